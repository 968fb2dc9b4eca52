package compile

import (
	"os"
	"path/filepath"
	"strings"

	"nomia.dev/nomia/bpfpkg"
)

// maxDocHeader bounds the headers scanned for doc comments: a generated
// vmlinux.h (megabytes, no docs on the user's globals) is not worth lexing.
const maxDocHeader = 512 << 10

// sourceDocs collects doc comments of file-scope declarations from the source
// and, one include level at a time, from the local headers it includes with
// #include "…" (found next to the including file or in includeDirs). The
// source's own comments win over a header's.
func sourceDocs(srcPath string, src []byte, includeDirs []string) map[string][]string {
	toks := lexC(string(src))
	docs := declDocs(toks)
	seen := map[string]bool{absPath(srcPath): true}
	queue := localIncludes(toks, filepath.Dir(srcPath), includeDirs)
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		st, err := os.Stat(path)
		if err != nil || st.Size() > maxDocHeader || filepath.Base(path) == "vmlinux.h" {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		toks := lexC(string(data))
		for name, lines := range declDocs(toks) {
			if _, ok := docs[name]; !ok {
				docs[name] = lines
			}
		}
		queue = append(queue, localIncludes(toks, filepath.Dir(path), includeDirs)...)
	}
	return docs
}

// localIncludes resolves the #include "…" lines among toks to existing files.
func localIncludes(toks []token, dir string, includeDirs []string) []string {
	var out []string
	for _, t := range toks {
		if t.kind != tokPreproc {
			continue
		}
		rest, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(t.text, "#")), "include")
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		if len(rest) < 2 || rest[0] != '"' {
			continue
		}
		name, _, ok := strings.Cut(rest[1:], `"`)
		if !ok {
			continue
		}
		for _, d := range append([]string{dir}, includeDirs...) {
			if p := filepath.Join(d, name); isFile(p) {
				out = append(out, absPath(p))
				break
			}
		}
	}
	return out
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// description is a variable's doc as one paragraph: flag help reads best that way.
func description(lines []string) string {
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}

// licenseDoc reads eunomia's tool documentation from the doc comment on
// LICENSE: @brief, @details and @version tags; untagged text opens the brief.
// Text after a tag continues it until the next tag.
func licenseDoc(lines []string) *bpfpkg.Doc {
	if len(lines) == 0 {
		return nil
	}
	fields := map[string][]string{}
	current := "brief"
	for _, l := range lines {
		if tag, ok := strings.CutPrefix(l, "@"); ok {
			name, text, _ := strings.Cut(tag, " ")
			if name == "brief" || name == "details" || name == "version" || name == "description" {
				current, l = name, strings.TrimSpace(text)
			}
		}
		fields[current] = append(fields[current], l)
	}
	text := func(name string) string {
		return strings.TrimSpace(strings.Join(fields[name], "\n"))
	}
	doc := &bpfpkg.Doc{
		Brief:       description(fields["brief"]),
		Details:     text("details"),
		Version:     description(fields["version"]),
		Description: text("description"),
	}
	if *doc == (bpfpkg.Doc{}) {
		return nil
	}
	return doc
}
