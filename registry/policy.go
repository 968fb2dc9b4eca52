package registry

import "fmt"

// PullPolicy says when a pull asks the registry rather than the cache.
type PullPolicy int

// The pull policies, as --pull spells them.
const (
	// PullMissing uses the cache when it holds the reference, else pulls.
	PullMissing PullPolicy = iota
	// PullAlways resolves the reference at the registry every time; blobs
	// the cache holds already are not downloaded again.
	PullAlways
	// PullNever uses the cache only and fails when the reference is missing.
	PullNever
)

var policyNames = []string{PullMissing: "missing", PullAlways: "always", PullNever: "never"}

// String is the policy's --pull spelling.
func (p PullPolicy) String() string {
	if int(p) < len(policyNames) {
		return policyNames[p]
	}
	return fmt.Sprintf("PullPolicy(%d)", int(p))
}

// Set parses always, missing or never; with Type and String it makes a
// PullPolicy a command-line flag.
func (p *PullPolicy) Set(s string) error {
	for i, n := range policyNames {
		if s == n {
			*p = PullPolicy(i)
			return nil
		}
	}
	return fmt.Errorf("pull policy %q: want always, missing or never", s)
}

// Type names the flag's value in help text.
func (p *PullPolicy) Type() string { return "policy" }
