package globals

import (
	"bytes"
	"encoding/json"
	"fmt"

	"nomia.dev/nomia/bpfpkg"
)

// applyMetaDefault makes a cmdarg "default" of the package the variable's
// default, as eunomia-bpf does: the value applies unless a flag overrides it.
// A default that does not fit the variable's type is a one-line error naming
// both, because running with a silently different value would mislead.
func applyMetaDefault(v *Var, md *bpfpkg.Variable) error {
	if md == nil || md.CmdArg == nil || v.Unsupported != nil {
		return nil
	}
	raw := bytes.TrimSpace(md.CmdArg.Default)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	text, err := jsonText(raw)
	if err == nil {
		_, err = Parse(v.Type, text)
	}
	if err != nil {
		return fmt.Errorf("global %s: the package's cmdarg default %s does not fit %s (%v): fix the package's meta", v.Name, raw, v.CType, err)
	}
	v.Default, v.MetaDefault = text, true
	return nil
}

// jsonText turns a JSON scalar into the text Parse reads: strings lose their
// quotes, numbers and booleans keep their spelling.
func jsonText(raw []byte) (string, error) {
	var x any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&x); err != nil {
		return "", err
	}
	switch x := x.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return fmt.Sprint(x), nil
	}
	return "", fmt.Errorf("expected a number, string or bool")
}
