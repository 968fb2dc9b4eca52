package globals

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/spf13/pflag"
)

// Values holds what the user set for each global, from flags or from Set.
type Values struct {
	order  []string          // C names in List order, for Apply and messages
	byName map[string]*value // C name → value
}

// value is one global as a pflag.Value: it checks text as soon as it is given,
// so a bad flag fails during flag parsing with pflag's "invalid argument".
type value struct {
	v    Var
	text string // as the user wrote it
	set  bool
}

// String returns the current text (the default until set).
func (x *value) String() string {
	if x.set {
		return x.text
	}
	return x.v.Default
}

// Set checks s against the variable's type and keeps it.
func (x *value) Set(s string) error {
	if x.v.Unsupported != nil {
		return x.v.Unsupported
	}
	if _, err := Parse(x.v.Type, s); err != nil {
		return err
	}
	x.text, x.set = s, true
	return nil
}

// Type names the value in help output; pflag shows no placeholder for "bool".
func (x *value) Type() string {
	if isBool(x.v.Type) {
		return "bool"
	}
	return x.v.CType
}

// Register adds one flag per variable to fs and returns the values the flags
// fill in. Bools take no value (--x, or --x=false). The help text is the
// variable's Doc followed by its C type and default.
//
// Register never panics on names already in fs (the CLI's own flags come
// first): a taken long name falls back to "var-NAME", a taken or invalid
// short name is dropped. "--help" and "-h" count as taken, so a global never
// hides the help that pflag gives for them.
func Register(fs *pflag.FlagSet, vars []Var) *Values {
	vals := &Values{byName: make(map[string]*value, len(vars))}
	for _, v := range vars {
		if _, dup := vals.byName[v.Name]; dup {
			continue
		}
		x := &value{v: v}
		vals.order = append(vals.order, v.Name)
		vals.byName[v.Name] = x

		long := freeLong(fs, v)
		if long == "" {
			continue
		}
		f := fs.VarPF(x, long, freeShort(fs, v.Short), usage(v))
		// The default is already part of the usage text; an empty DefValue
		// stops pflag from appending it a second time.
		f.DefValue = ""
		if isBool(v.Type) {
			f.NoOptDefVal = "true"
			registerSwitches(fs, x, long)
		}
	}
	return vals
}

// freeLong picks the flag name for v that fs does not already use, or ""
// when every candidate is taken.
func freeLong(fs *pflag.FlagSet, v Var) string {
	for _, name := range []string{v.Long, v.Name, "var-" + v.Name} {
		if name != "" && name != "help" && fs.Lookup(name) == nil {
			return name
		}
	}
	return ""
}

// freeShort returns s when it is a single unused ASCII letter or digit.
func freeShort(fs *pflag.FlagSet, s string) string {
	if len(s) != 1 || s == "h" || !isAlnum(s[0]) || fs.ShorthandLookup(s) != nil {
		return ""
	}
	return s
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// usage is the help line: "Doc (C type, default X)".
func usage(v Var) string {
	doc := v.Doc
	if doc == "" {
		doc = "global variable " + v.Name
	}
	if v.Unsupported != nil {
		return fmt.Sprintf("%s (%s, unsupported: cannot be set from the command line)", doc, v.CType)
	}
	def := v.Default
	if isCharArray(v.Type) {
		def = strconv.Quote(def)
	}
	return fmt.Sprintf("%s (%s, default %s)", doc, v.CType, def)
}

// Set assigns a global by C name, with the same checks as its flag; it is
// how the Go API sets globals from a map of name → text.
func (v *Values) Set(name, text string) error {
	x, ok := v.byName[name]
	if !ok {
		return fmt.Errorf("unknown global %q: the object has %s", name, v.names())
	}
	if err := x.Set(text); err != nil {
		return fmt.Errorf("global %s: %w", name, err)
	}
	return nil
}

// names lists the known globals for error hints.
func (v *Values) names() string {
	if len(v.order) == 0 {
		return "no settable globals"
	}
	return strings.Join(v.order, ", ")
}

// Apply writes every global the user set into spec, encoded in the object's
// byte order, and the package's cmdarg defaults of those not set (see
// Var.MetaDefault); other globals keep the object's initial values.
func (v *Values) Apply(spec *ebpf.CollectionSpec) error {
	order := byteOrder(spec)
	for _, name := range v.order {
		x := v.byName[name]
		if !x.set && !x.v.MetaDefault {
			continue
		}
		vs := spec.Variables[name]
		if vs == nil {
			return fmt.Errorf("global %s is not in the object: was it removed or declared static?", name)
		}
		b, err := encode(x.v.Type, x.String(), order)
		if err != nil {
			return fmt.Errorf("global %s: %w", name, err)
		}
		if int(vs.Size()) != len(b) {
			return fmt.Errorf("global %s: the object holds %d bytes, its type %s needs %d: flags and object disagree", name, vs.Size(), x.v.CType, len(b))
		}
		if err := vs.Set(b); err != nil {
			return fmt.Errorf("global %s: %w", name, err)
		}
	}
	return nil
}

// Changed returns the C names of the globals that were set, in List order.
func (v *Values) Changed() []string {
	return slices.DeleteFunc(slices.Clone(v.order), func(name string) bool { return !v.byName[name].set })
}
