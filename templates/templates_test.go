package templates_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nomia.dev/nomia/templates"
)

func TestCheckName(t *testing.T) {
	for _, name := range []string{"mytool", "_x", "Tool2", "a", strings.Repeat("n", 32)} {
		if err := templates.CheckName(name); err != nil {
			t.Errorf("CheckName(%q) = %v, want nil", name, err)
		}
	}
	for name, want := range map[string]string{
		"":                      "project name is empty",
		"my-tool":               `"my-tool" is not a C identifier: use letters, digits and _ (not first a digit), e.g. my_tool`,
		"2fast":                 "e.g. p2fast",
		"a b":                   "e.g. a_b",
		"../etc":                "is a path: give the parent with --dir, e.g. --dir .. etc",
		"a.b":                   "e.g. a_b",
		"ok/../../x":            "is a path",
		"tools/mytool":          `"tools/mytool" is a path: give the parent with --dir, e.g. --dir tools mytool`,
		strings.Repeat("n", 33): "is 33 characters long: use at most 32",
	} {
		err := templates.CheckName(name)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckName(%q) = %v, want one line containing %q", name, err, want)
		}
	}
}

// TestCreateEveryTemplate writes each template and checks that every
// placeholder was filled in: the files carry the project's name, and no
// template syntax or NAME is left.
func TestCreateEveryTemplate(t *testing.T) {
	for _, tmpl := range templates.Names() {
		t.Run(tmpl, func(t *testing.T) {
			parent := t.TempDir()
			p, err := templates.Create(templates.Options{Name: "mytool", Template: tmpl, Parent: parent})
			if err != nil {
				t.Fatal(err)
			}
			if p.Dir != filepath.Join(parent, "mytool") || p.Template != tmpl {
				t.Errorf("project %+v: want Dir %s/mytool, Template %s", p, parent, tmpl)
			}
			want := []string{"README.md", "mytool.bpf.c", "mytool.h"}
			for _, f := range want {
				if !contains(p.Files, f) {
					t.Errorf("files %v: missing %s", p.Files, f)
				}
			}
			for _, f := range p.Files {
				text, err := os.ReadFile(filepath.Join(p.Dir, f))
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(f, "NAME") || strings.Contains(f, ".tmpl") {
					t.Errorf("file name %s was not filled in", f)
				}
				if s := string(text); strings.Contains(s, "{{") {
					t.Errorf("%s still holds a placeholder:\n%s", f, s)
				}
			}
			src, _ := os.ReadFile(filepath.Join(p.Dir, "mytool.bpf.c"))
			if !strings.Contains(string(src), `#include "mytool.h"`) {
				t.Errorf("mytool.bpf.c does not include its header")
			}
			header, _ := os.ReadFile(filepath.Join(p.Dir, "mytool.h"))
			if !strings.Contains(string(header), "#ifndef MYTOOL_H") {
				t.Errorf("mytool.h has no MYTOOL_H guard")
			}
			build, run := p.Commands()
			readme, _ := os.ReadFile(filepath.Join(p.Dir, "README.md"))
			for _, cmd := range []string{build, run} {
				// The README shows the commands relative to the parent.
				rel := strings.ReplaceAll(cmd, parent+string(filepath.Separator), "")
				if !strings.Contains(string(readme), rel) {
					t.Errorf("README.md does not say %q", rel)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestCreateNeverOverwrites checks that an existing directory, even an
// empty one, is refused with a hint and left exactly as it was.
func TestCreateNeverOverwrites(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "mytool")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "mytool.bpf.c")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := templates.Create(templates.Options{Name: "mytool", Parent: parent})
	if err == nil || !strings.Contains(err.Error(), "already exists: nomia init never overwrites") {
		t.Fatalf("Create over an existing directory: %v, want a refusal", err)
	}
	if got, _ := os.ReadFile(mine); string(got) != "mine" {
		t.Errorf("existing file changed to %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the existing directory now holds %d entries, want 1", len(entries))
	}
}

func TestCreateErrors(t *testing.T) {
	parent := t.TempDir()
	for _, tc := range []struct {
		opts templates.Options
		want string
	}{
		{templates.Options{Name: "x", Template: "kprobe", Parent: parent}, `unknown template "kprobe": choose one of histogram, ringbuf, tracepoint, wasm, xdp`},
		{templates.Options{Name: "x-y", Parent: parent}, "not a C identifier"},
		{templates.Options{Name: "x", Parent: filepath.Join(parent, "missing")}, "the parent directory " + filepath.Join(parent, "missing") + " does not exist"},
	} {
		_, err := templates.Create(tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Create(%+v) = %v, want one line containing %q", tc.opts, err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("failed Creates left %d entries in %s", len(entries), parent)
	}
}

func TestDescribe(t *testing.T) {
	for _, name := range templates.Names() {
		if templates.Describe(name) == "" {
			t.Errorf("template %s has no description", name)
		}
	}
	if templates.Describe("nope") != "" {
		t.Error("Describe of an unknown template is not empty")
	}
}
