package globals

import (
	"strconv"

	"github.com/spf13/pflag"
)

// eunomia-bpf's runner spells a bool global with a default as a switch:
// --enable-NAME when the default is false, --disable-NAME when it is true.
// registerSwitches adds both spellings as hidden flags next to nomia's own
// --NAME[=false], so command lines written for eunomia's ecli keep working.
func registerSwitches(fs *pflag.FlagSet, x *value, long string) {
	for _, sw := range []struct {
		prefix string
		value  bool
	}{{"enable-", true}, {"disable-", false}} {
		name := sw.prefix + long
		if fs.Lookup(name) != nil {
			continue
		}
		f := fs.VarPF(&boolSwitch{x: x, on: sw.value}, name, "", "eunomia-bpf spelling of --"+long)
		f.NoOptDefVal = "true"
		f.Hidden = true
	}
}

// boolSwitch sets its variable to on when given (or to !on with =false).
type boolSwitch struct {
	x  *value
	on bool
}

// String shows the variable's current value.
func (s *boolSwitch) String() string { return s.x.String() }

// Set accepts what pflag passes a bool flag: "true" unless the user wrote =false.
func (s *boolSwitch) Set(text string) error {
	given, err := strconv.ParseBool(text)
	if err != nil {
		return err
	}
	return s.x.Set(strconv.FormatBool(given == s.on))
}

// Type is "bool", so that help output shows no placeholder.
func (s *boolSwitch) Type() string { return "bool" }
