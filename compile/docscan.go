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
		case isIdentRune(rune(c)): // identifiers, and numbers as literals
			j := i
			for j < len(src) && isIdentRune(rune(src[j])) {
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

// declDocs maps each file-scope identifier that has a doc comment to the
// comment's lines (markers stripped); toks are one file's tokens from lexC.
func declDocs(toks []token) map[string][]string {
	d := &docScanner{docs: map[string][]string{}, pendingEnd: -1, lastDocLine: -1}
	for i, t := range toks {
		switch t.kind {
		case tokComment:
			d.comment(t)
		case tokPreproc:
			if !d.inStmt {
				d.pending, d.pendingEnd = nil, -1
			}
		default:
			d.code(toks, i)
		}
	}
	return d.docs
}

// docScanner follows statements and brace depth through the tokens, carrying
// the latest doc block to the statement that starts right below it.
type docScanner struct {
	docs map[string][]string

	pending     []string // the latest doc block
	pendingEnd  int      // its last line
	lastDocLine int      // line of the previous `///` comment, to join `///` runs

	inStmt   bool
	stmtDoc  []string // doc of the current file-scope statement
	braces   int
	parens   int  // at file scope only
	funcBody bool // the statement's braces are a function body
	prev     token
}

func (d *docScanner) comment(t token) {
	// A comment after code on its line (`int a; /// about a`) or in Doxygen's
	// trailing form (`///<`) describes what precedes it, never the next
	// declaration.
	trailing := d.prev.line == t.line && d.prev.text != "" || strings.HasPrefix(t.text, "///<") || strings.HasPrefix(t.text, "/**<")
	if !t.isDoc || trailing {
		d.pending, d.pendingEnd = nil, -1
		return
	}
	isLine := strings.HasPrefix(t.text, "///")
	if isLine && d.lastDocLine == t.line-1 && d.pendingEnd == t.line-1 {
		d.pending = append(d.pending, docLines(t.text)...)
	} else {
		d.pending = docLines(t.text)
	}
	d.pendingEnd = t.end
	if isLine {
		d.lastDocLine = t.line
	}
}

func (d *docScanner) code(toks []token, i int) {
	t := toks[i]
	if !d.inStmt && d.braces == 0 {
		d.inStmt, d.stmtDoc, d.funcBody = true, nil, false
		// Directly above, or before the code on the same line (`/** x */ int x;`).
		if d.pending != nil && (d.pendingEnd == t.line-1 || d.pendingEnd == t.line) {
			d.stmtDoc = d.pending
		}
		d.pending, d.pendingEnd = nil, -1
	}
	switch t.text {
	case "{":
		if d.braces == 0 && d.prev.text == ")" {
			d.funcBody = true
		}
		d.braces++
	case "}":
		d.braces = max(0, d.braces-1)
		if d.braces == 0 && d.funcBody {
			d.inStmt = false
		}
	case "(":
		if d.braces == 0 {
			d.parens++
		}
	case ")":
		if d.braces == 0 {
			d.parens = max(0, d.parens-1)
		}
	case ";":
		if d.braces == 0 {
			d.inStmt, d.parens = false, 0
		}
	}
	if t.kind == tokIdent && d.braces == 0 && d.parens == 0 && d.stmtDoc != nil &&
		!cKeywords[t.text] && !strings.HasPrefix(t.text, "__") && isDeclarator(toks, i) {
		if _, seen := d.docs[t.text]; !seen {
			d.docs[t.text] = d.stmtDoc
		}
	}
	d.prev = t
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
