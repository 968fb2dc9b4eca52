package load

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// socketSpec is a one-program object built in Go, so a child without access to
// clang or the kernel's BTF can still try to load it.
func socketSpec() *ebpf.CollectionSpec {
	return &ebpf.CollectionSpec{
		Maps: map[string]*ebpf.MapSpec{"counts": {Name: "counts", Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1}},
		Programs: map[string]*ebpf.ProgramSpec{"drop_all": {
			Name: "drop_all", Type: ebpf.SocketFilter, SectionName: "socket", License: "GPL",
			Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
		}},
	}
}

// TestNotRootExplained loads as an unprivileged user, in a child process, and
// checks the error says to run as root rather than cilium/ebpf's memlock hint.
func TestNotRootExplained(t *testing.T) {
	if os.Getenv("NOMIA_TEST_UNPRIVILEGED") != "" {
		_, err := Start(socketSpec(), Options{})
		if err == nil {
			t.Fatal("an unprivileged load succeeded")
		}
		msg := err.Error()
		if !strings.Contains(msg, "run nomia as root") || strings.Contains(msg, "MEMLOCK") || strings.Contains(msg, "\n") {
			t.Fatalf("error %q: want one line with the root hint, not the memlock one", msg)
		}
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to drop to an unprivileged user")
	}
	// The test binary lives in a directory only root may enter: copy it out.
	dir, err := os.MkdirTemp("", "nomia-unprivileged")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "load.test")
	copyFile(t, os.Args[0], exe)
	cmd := exec.Command(exe, "-test.run=^TestNotRootExplained$", "-test.count=1")
	cmd.Env = append(os.Environ(), "NOMIA_TEST_UNPRIVILEGED=1", "NOMIA_TEST_PRIVATE_MOUNTS=1")
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("unprivileged child: %v\n%s", err, out)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
