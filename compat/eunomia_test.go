package compat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"nomia.dev/nomia"
	"nomia.dev/nomia/attach"
	"nomia.dev/nomia/bpfpkg"
	"nomia.dev/nomia/internal/bpftest"
)

// Tracefs mounts that nomia makes when none is there stay in the test's own
// mount namespace.
func TestMain(m *testing.M) { os.Exit(bpftest.PrivateMounts(m)) }

// refusedKinds are hooks the test kernel refuses (see docs: trampolines give
// EPERM, kprobes have no kprobe_events); packages using them must fail with
// one line, and are then skipped.
var refusedKinds = map[string]bool{
	"fentry": true, "fexit": true, "fmod_ret": true, "lsm": true, "kprobe": true, "kretprobe": true,
}

// eunomiaPackages lists the package files under $NOMIA_EUNOMIA_DIR: every
// *.json holding a "bpf_object" (skeleton-only files have none).
func eunomiaPackages(t *testing.T) (string, []string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("loading eBPF needs root")
	}
	dir := os.Getenv("NOMIA_EUNOMIA_DIR")
	if dir == "" {
		t.Skip("NOMIA_EUNOMIA_DIR is not set: point it at a directory of eunomia-bpf package.json files (gh-pages */package.json, bpf-loader-lib/assets/*.json)")
	}
	var pkgs []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		if data, err := os.ReadFile(path); err == nil && bytes.Contains(data, []byte(`"bpf_object"`)) {
			pkgs = append(pkgs, path)
		}
		return nil
	})
	if err != nil || len(pkgs) == 0 {
		t.Skipf("no eunomia packages under NOMIA_EUNOMIA_DIR=%s (%v)", dir, err)
	}
	return dir, pkgs
}

// Every package loads and attaches, or fails in one line because this kernel
// refuses its hook; every package with an event type prints decoded events
// under the workload, each a JSON object with the event struct's fields.
func TestEunomiaPackages(t *testing.T) {
	dir, pkgs := eunomiaPackages(t)
	for _, path := range pkgs {
		rel, _ := filepath.Rel(dir, path)
		t.Run(rel, func(t *testing.T) { runPackage(t, path) })
	}
}

func runPackage(t *testing.T, path string) {
	pkg, err := bpfpkg.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := nomia.New(pkg)
	if err != nil {
		t.Fatal(err)
	}
	var notes bytes.Buffer
	err = inst.Start(nomia.Options{Notes: &notes})
	if err != nil {
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("the error is not one line: %q", err)
		}
		if why := expectedFailure(pkg); why != "" {
			t.Skipf("%s: %v", why, err)
		}
		t.Fatalf("start: %v", err)
	}
	defer inst.Close()
	if why := expectedFailure(pkg); why != "" {
		t.Errorf("expected %s, but it started", why)
	}

	members := exportedFields(pkg)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	go workload(ctx, t)
	var decoded int
	var bad []string
	err = inst.Run(ctx, func(e nomia.Event) {
		if e.Decoder == nil {
			return
		}
		var fields map[string]any
		if err := json.Unmarshal(e.AppendJSON(nil), &fields); err != nil {
			bad = append(bad, err.Error())
			return
		}
		for _, m := range members[e.Map] {
			if _, ok := fields[m]; !ok {
				bad = append(bad, "no field "+m)
				return
			}
		}
		decoded++
	}, nil)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if len(bad) > 0 {
		t.Errorf("%d events did not decode to their struct's fields, e.g. %s", len(bad), bad[0])
	}
	if len(members) > 0 && decoded == 0 {
		t.Errorf("no decoded event under the workload from maps %v", inst.EventMaps())
	}
	t.Logf("%d decoded events", decoded)
}

// expectedFailure says why pkg cannot start on the test kernel, or "".
func expectedFailure(pkg *bpfpkg.Package) string {
	if len(pkg.Meta.Skel.Progs) == 0 {
		return "a loader test fixture without programs"
	}
	for _, p := range pkg.Meta.Skel.Progs {
		if h, err := attach.ParseSection(p.Attach); err == nil && refusedKinds[h.Kind] {
			return "this kernel refuses " + h.Kind + " programs"
		}
	}
	return ""
}

// exportedFields maps each event map of pkg that has an event type to the
// field names of that type, as the metadata lists them.
func exportedFields(pkg *bpfpkg.Package) map[string][]string {
	spec, err := pkg.Spec()
	if err != nil {
		return nil
	}
	out := map[string][]string{}
	for name, ms := range spec.Maps {
		if ms.Type.String() != "RingBuf" && ms.Type.String() != "PerfEventArray" {
			continue
		}
		id, ok, err := pkg.Meta.EventTypeID(name)
		if err != nil || !ok {
			continue
		}
		out[name] = nil
		for _, et := range pkg.Meta.ExportTypes {
			if et.TypeID == id {
				for _, m := range et.Members {
					out[name] = append(out[name], m.Name)
				}
			}
		}
	}
	return out
}

// workload makes the events of eunomia's example packages happen until ctx
// ends: exec (bootstrap), opens (opensnoop), kill (sigsnoop), TCP state
// changes (tcpstates), bash's readline (bashreadline).
func workload(ctx context.Context, t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Error(err)
		return
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		exec.Command("/bin/true").Run()
		if f, err := os.Open("/etc/hostname"); err == nil {
			f.Close()
		}
		syscall.Kill(os.Getpid(), 0)
		if c, err := net.Dial("tcp4", ln.Addr().String()); err == nil {
			c.Close()
		}
		readline := exec.Command("script", "-qc", "bash --norc --noprofile -i", "/dev/null")
		readline.Stdin = strings.NewReader("echo nomia-readline\nexit\n")
		if err := readline.Run(); err != nil && !errors.Is(err, exec.ErrNotFound) {
			t.Logf("readline workload: %v", err)
		}
	}
}
