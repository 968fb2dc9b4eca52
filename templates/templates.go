package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
)

// files holds one directory per template. File names spell the project name as
// NAME; a ".tmpl" suffix is dropped on writing, which keeps Go sources and
// go.mod files of a template out of this module's own build.
//
//go:embed files
var files embed.FS

// Default is the template `nomia init` uses when none is named.
const Default = "tracepoint"

// descriptions says in one line what each template starts you with; its keys
// are the template names.
var descriptions = map[string]string{
	"tracepoint": "execve(2) calls from a syscall tracepoint, with parent-pid and uid filters, through a ring buffer",
	"ringbuf":    "process exec and exit events with lifetimes and exit codes, one struct shared through a header",
	"xdp":        "packet and byte counts per protocol on an interface (--iface), printed as a table",
	"histogram":  "syscall latency per process name as a log2 histogram, printed at exit and every --interval",
	"wasm":       "exec events printed by a Go WebAssembly user space on nomia's guest SDK, with its own -ppid and -count flags (nomia build --wasm)",
}

// Names lists the templates in alphabetical order.
func Names() []string {
	names := make([]string, 0, len(descriptions))
	for name := range descriptions {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Describe says in one line what the template gives; "" for an unknown name.
func Describe(name string) string { return descriptions[name] }

// CheckName reports whether name can name a project. It becomes a directory,
// the base name of the C files and part of C identifiers (the header guard),
// so it must be a C identifier, and short: at most 32 characters.
func CheckName(name string) error {
	if name == "" {
		return errors.New("project name is empty: give one, e.g. nomia init mytool")
	}
	if dir, base := filepath.Split(name); dir != "" && base != "" && CheckName(base) == nil {
		return fmt.Errorf("project name %q is a path: give the parent with --dir, e.g. --dir %s %s", name, filepath.Clean(dir), base)
	}
	if len(name) > 32 {
		return fmt.Errorf("project name %q is %d characters long: use at most 32", name, len(name))
	}
	for i, c := range name {
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return fmt.Errorf("project name %q is not a C identifier: use letters, digits and _ (not first a digit), e.g. %s",
				name, suggest(name))
		}
	}
	return nil
}

// suggest turns an invalid name into a valid one for the error's hint.
func suggest(name string) string {
	var b strings.Builder
	for _, c := range name {
		switch {
		case c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'):
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		s = "p" + s
	}
	if len(s) > 32 {
		s = s[:32]
	}
	return s
}

// Options say which project to write and where.
type Options struct {
	// Name is the project's name: its directory and the base name of its files.
	Name string
	// Template is one of Names(); empty means Default.
	Template string
	// Parent is the directory the project directory is created in; empty
	// means the current directory.
	Parent string
}

// Project is a project Create wrote.
type Project struct {
	// Dir is the project directory, Parent/Name.
	Dir string
	// Name and Template are those of the Options.
	Name, Template string
	// Files are the files written, relative to Dir, sorted.
	Files []string
}

// Commands are the shell commands that build and then run the project, with
// paths relative to the directory Parent was given relative to.
func (p *Project) Commands() (build, run string) {
	src := filepath.Join(p.Dir, p.Name+".bpf.c")
	pkg := filepath.Join(p.Dir, "package.json")
	switch p.Template {
	case "xdp":
		return "nomia build " + src, "nomia run --iface lo --interval 1s " + pkg
	case "histogram":
		return "nomia build " + src, "nomia run --interval 1s " + pkg
	case "wasm":
		return "nomia build --wasm " + p.Dir, "nomia run " + filepath.Join(p.Dir, p.Name+".wasm")
	}
	return "nomia build " + src, "nomia run " + pkg
}

// Create writes the project directory Parent/Name. It never touches an
// existing path: the project directory must not exist yet. On failure it
// removes what it created, so a retry starts clean.
func Create(opts Options) (*Project, error) {
	tmpl := opts.Template
	if tmpl == "" {
		tmpl = Default
	}
	if _, ok := descriptions[tmpl]; !ok {
		return nil, fmt.Errorf("unknown template %q: choose one of %s", tmpl, strings.Join(Names(), ", "))
	}
	if err := CheckName(opts.Name); err != nil {
		return nil, err
	}
	parent := opts.Parent
	if parent == "" {
		parent = "."
	}
	dir := filepath.Join(parent, opts.Name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, mkdirError(dir, parent, err)
	}
	written, err := render(tmpl, dir, data{Name: opts.Name, Template: tmpl})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &Project{Dir: dir, Name: opts.Name, Template: tmpl, Files: written}, nil
}

// mkdirError explains why the project directory could not be made.
func mkdirError(dir, parent string, err error) error {
	switch {
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s already exists: nomia init never overwrites; pick another name or --dir, or remove it", dir)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot create %s: the parent directory %s does not exist (create it, or choose another with --dir)", dir, parent)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot create %s: %v (check the permissions of %s)", dir, err, parent)
}

// data is what template files may refer to.
type data struct {
	Name     string // the project name, e.g. mytool
	Template string // the template it came from
}

// Guard is the name's header-guard spelling, e.g. MYTOOL_H.
func (d data) Guard() string { return strings.ToUpper(d.Name) + "_H" }

// render expands every file of template tmpl into dir.
func render(tmpl, dir string, d data) ([]string, error) {
	root := path.Join("files", tmpl)
	var written []string
	err := fs.WalkDir(files, root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, root+"/")
		rel = strings.TrimSuffix(strings.ReplaceAll(rel, "NAME", d.Name), ".tmpl")
		text, err := expand(p, d)
		if err != nil {
			return err
		}
		out := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, text, 0o644); err != nil {
			return fmt.Errorf("cannot write %s: %v", out, errors.Unwrap(err))
		}
		written = append(written, rel)
		return nil
	})
	sort.Strings(written)
	return written, err
}

// expand runs one embedded file through text/template.
func expand(p string, d data) ([]byte, error) {
	src, err := files.ReadFile(p)
	if err != nil {
		return nil, err
	}
	t, err := template.New(path.Base(p)).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("template %s is broken: %v", p, err)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, d); err != nil {
		return nil, fmt.Errorf("template %s is broken: %v", p, err)
	}
	return out.Bytes(), nil
}
