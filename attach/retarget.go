package attach

import (
	"fmt"
	"strings"
)

// Retarget returns section with its target replaced by target, for the probe
// kinds whose target a loader chooses when it attaches: uprobe and uretprobe
// (PATH:SYMBOL[+OFFSET], PATH:0xADDRESS or SYMBOL) and kprobe and kretprobe
// (FUNCTION[+OFFSET]). libbpf-tools write such programs with a bare SEC("uprobe")
// or a placeholder (kprobe/foo) and their user space points them at functions
// with bpf_program__attach_uprobe or bpf_program__attach_kprobe; a runner does
// the same with the returned section. Other kinds fix their target at load
// time, so retargeting them is an error.
func Retarget(section, target string) (string, error) {
	prefix, _, _ := strings.Cut(strings.TrimPrefix(section, "?"), "/")
	switch kindOf[prefix] {
	case "uprobe", "uretprobe", "kprobe", "kretprobe":
	default:
		return "", fmt.Errorf("section %q: only uprobe, uretprobe, kprobe and kretprobe programs take a target when attached", section)
	}
	if target == "" {
		return "", fmt.Errorf("section %q: empty target", section)
	}
	retargeted := prefix + "/" + target
	if _, err := ParseSection(retargeted); err != nil {
		return "", err
	}
	return retargeted, nil
}

// NeedsTarget reports whether h is a uprobe or uretprobe whose section names
// no function (a bare SEC("uprobe")): where it attaches must come from
// elsewhere, Target.Binary or Retarget.
func (h Hook) NeedsTarget() bool {
	return (h.Kind == "uprobe" || h.Kind == "uretprobe") && h.Symbol == "" && h.Offset == 0
}
