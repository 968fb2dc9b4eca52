package compile

import (
	"strings"
)

// Doc comments in C source. A declaration's doc is the block of `///` lines or
// the `/** ... */` comment that ends on the line directly above the statement
// that declares it (eunomia-bpf's convention). Only file-scope declarations
// count, so locals and struct members of the same name are never confused with
// globals.

// token is one lexical unit of C source, as much as doc scanning needs.
type token struct {
	kind  tokenKind
	text  string // identifier, punctuation, or the comment's text
	line  int    // first line, 1-based
	end   int    // last line
	isDoc bool   // comment: `///` or `/** */`
}

type tokenKind int

const (
	tokIdent tokenKind = iota
	tokPunct
	tokLiteral // string, char or number: never a declarator
	tokComment
	tokPreproc
)

// lexC splits src into tokens. It understands comments, string and character
// literals and preprocessor lines; everything else is identifiers and single
// punctuation characters.
func lexC(src string) []token {
	var toks []token
	line := 1
	atLineStart := true
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			atLineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '#' && atLineStart:
			j := i
			for j < len(src) && src[j] != '\n' {
				if src[j] == '\\' && j+1 < len(src) && src[j+1] == '\n' {
					line++
					j++
				}
				j++
			}
			toks = append(toks, token{kind: tokPreproc, text: src[i:j], line: line, end: line})
			i = j
			continue
		}
		atLineStart = false
		start, startLine := i, line
		switch {
		case strings.HasPrefix(src[i:], "//"):
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			text := src[i : i+j]
			isDoc := strings.HasPrefix(text, "///") && !strings.HasPrefix(text, "////")
			toks = append(toks, token{kind: tokComment, text: text, line: line, end: line, isDoc: isDoc})
			i += j
		case strings.HasPrefix(src[i:], "/*"):
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				j = len(src) - i
			} else {
				j += 4
			}
			text := src[i : i+j]
			line += strings.Count(text, "\n")
			isDoc := strings.HasPrefix(text, "/**") && !strings.HasPrefix(text, "/**/") && !strings.HasPrefix(text, "/***")
			toks = append(toks, token{kind: tokComment, text: text, line: startLine, end: line, isDoc: isDoc})
			i += j
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(src) && src[j] != c && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			i = min(j+1, len(src))
			toks = append(toks, token{kind: tokLiteral, text: src[start:i], line: line, end: line})
		case isIdentByte(c) || c >= '0' && c <= '9':
			j := i
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			kind := tokIdent
			if c >= '0' && c <= '9' {
				kind = tokLiteral
			}
			toks = append(toks, token{kind: kind, text: src[i:j], line: line, end: line})
			i = j
		default:
			toks = append(toks, token{kind: tokPunct, text: src[i : i+1], line: line, end: line})
			i++
		}
	}
	return toks
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// declDocs maps each file-scope identifier that has a doc comment to the
// comment's lines (markers stripped).
func declDocs(src string) map[string][]string {
	docs := map[string][]string{}
	toks := lexC(src)

	var pending []string // the latest doc block
	pendingEnd := -1     // its last line
	lastDocLine := -1    // last line of the previous `///` comment, to join blocks

	inStmt := false
	var stmtDoc []string
	braces, parens := 0, 0
	funcBody := false
	var prev token // previous code token

	for i, t := range toks {
		switch t.kind {
		case tokComment:
			// A comment after code on its line (`int a; /// about a`) or in
			// Doxygen's trailing form (`///<`) describes what precedes it, never
			// the next declaration.
			trailing := prev.line == t.line && prev.text != "" || strings.HasPrefix(t.text, "///<") || strings.HasPrefix(t.text, "/**<")
			if !t.isDoc || trailing {
				pending, pendingEnd = nil, -1
				continue
			}
			if strings.HasPrefix(t.text, "///") && lastDocLine == t.line-1 && pendingEnd == t.line-1 {
				pending = append(pending, docLines(t.text)...)
			} else {
				pending = docLines(t.text)
			}
			pendingEnd = t.end
			if strings.HasPrefix(t.text, "///") {
				lastDocLine = t.line
			}
			continue
		case tokPreproc:
			if !inStmt {
				pending, pendingEnd = nil, -1
			}
			continue
		}

		if !inStmt && braces == 0 {
			inStmt, stmtDoc, funcBody = true, nil, false
			// Directly above, or before the code on the same line (`/** x */ int x;`).
			if pending != nil && (pendingEnd == t.line-1 || pendingEnd == t.line) {
				stmtDoc = pending
			}
			pending, pendingEnd = nil, -1
		}
		switch t.text {
		case "{":
			if braces == 0 && prev.text == ")" {
				funcBody = true
			}
			braces++
		case "}":
			if braces > 0 {
				braces--
			}
			if braces == 0 && funcBody {
				inStmt = false
			}
		case "(":
			if braces == 0 {
				parens++
			}
		case ")":
			if braces == 0 && parens > 0 {
				parens--
			}
		case ";":
			if braces == 0 {
				inStmt, parens = false, 0
			}
		}
		if t.kind == tokIdent && braces == 0 && parens == 0 && stmtDoc != nil && !cKeywords[t.text] && !strings.HasPrefix(t.text, "__") && isDeclarator(toks, i) {
			if _, seen := docs[t.text]; !seen {
				docs[t.text] = stmtDoc
			}
		}
		prev = t
	}
	return docs
}

// isDeclarator reports whether the identifier at toks[i] is followed by what
// ends a variable's declarator: an array bound, an initializer, the end of the
// declaration, or an attribute macro such as SEC(...).
func isDeclarator(toks []token, i int) bool {
	for _, n := range toks[i+1:] {
		if n.kind == tokComment {
			continue
		}
		switch {
		case n.text == "[" || n.text == "=" || n.text == ";" || n.text == ",":
			return true
		case n.kind == tokIdent && (n.text == "SEC" || strings.HasPrefix(n.text, "__")):
			return true
		}
		return false
	}
	return false
}

// docLines strips comment markers: `///` and one space, or `/**`, `*/` and the
// leading `*` of each line. Leading and trailing blank lines are dropped.
func docLines(c string) []string {
	var lines []string
	if rest, ok := strings.CutPrefix(c, "///"); ok {
		lines = []string{strings.TrimSpace(rest)}
	} else {
		c = strings.TrimSuffix(strings.TrimPrefix(c, "/**"), "*/")
		for _, l := range strings.Split(c, "\n") {
			l = strings.TrimSpace(l)
			l = strings.TrimSpace(strings.TrimPrefix(l, "*"))
			lines = append(lines, l)
		}
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// cKeywords are never declarators, though `static __always_inline` looks like
// one. Reserved names (__kconfig, __always_inline) are skipped too: they are
// attribute macros, and the only globals spelled that way are __eunomia_dummy*,
// which are hidden anyway.
var cKeywords = map[string]bool{
	"auto": true, "char": true, "const": true, "double": true, "enum": true, "extern": true,
	"float": true, "inline": true, "int": true, "long": true, "register": true, "restrict": true,
	"short": true, "signed": true, "static": true, "struct": true, "typedef": true, "union": true,
	"unsigned": true, "void": true, "volatile": true, "_Bool": true,
}
