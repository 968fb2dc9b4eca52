package wasmbpf

import (
	"errors"
	"strings"
	"testing"
)

// fakeELF is 64 bytes that pass Open's check, with a .rodata u32 at 16, a
// .data char[8] at 24 and a .bss u64.
func fakeELF() ([]byte, []Global) {
	elf := append([]byte("\x7fELF"), make([]byte, 60)...)
	elf[16] = 7 // targ_pid's initialiser
	return elf, []Global{
		{Name: "targ_pid", Section: ".rodata", Offset: 16, Size: 4},
		{Name: "comm", Section: ".data", Offset: 24, Size: 8},
		{Name: "counter", Section: ".bss", Size: 8},
	}
}

// TestSetGlobalPatchesCopy checks that SetGlobal writes little-endian bytes
// at the variable's offset in the object's copy, never in the caller's bytes.
func TestSetGlobalPatchesCopy(t *testing.T) {
	elf, globals := fakeELF()
	o, err := Open(elf, globals)
	if err != nil {
		t.Fatal(err)
	}
	var pid uint32
	if err := o.Global("targ_pid", &pid); err != nil || pid != 7 {
		t.Fatalf("initial targ_pid = %d, %v; want 7", pid, err)
	}
	if err := o.SetGlobal("targ_pid", uint32(0x01020304)); err != nil {
		t.Fatal(err)
	}
	if err := o.SetGlobal("comm", "bash"); err != nil {
		t.Fatal(err)
	}
	if got := o.elf[16:20]; string(got) != "\x04\x03\x02\x01" {
		t.Errorf("targ_pid bytes = %v, want little-endian 0x01020304", got)
	}
	if got := string(o.elf[24:32]); got != "bash\x00\x00\x00\x00" {
		t.Errorf("comm bytes = %q", got)
	}
	if elf[16] != 7 || elf[24] != 0 {
		t.Error("SetGlobal changed the caller's bytes")
	}
	var comm [8]byte
	if err := o.Global("comm", &comm); err != nil || CString(comm[:]) != "bash" {
		t.Errorf("Global(comm) = %q, %v", comm, err)
	}
	if len(o.Globals()) != 3 || o.Globals()[1].Name != "comm" {
		t.Errorf("Globals() = %v, want the table in order", o.Globals())
	}
}

// TestSetGlobalErrors checks the one-line errors for values that do not fit.
func TestSetGlobalErrors(t *testing.T) {
	elf, globals := fakeELF()
	o, err := Open(elf, globals)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		value any
		want  string
	}{
		{"targ_pid", uint64(1), "uint64 is 8 bytes, want 4"},
		{"targ_pid", 1, "int has no fixed size"},
		{"comm", "a much longer name", "18 bytes do not fit in 8"},
		{"counter", uint64(1), "in .bss, which has no bytes in the object"},
		{"nosuch", uint32(1), `no global "nosuch"`},
	} {
		err := o.SetGlobal(tc.name, tc.value)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("SetGlobal(%s, %T) = %v, want one line containing %q", tc.name, tc.value, err, tc.want)
		}
	}
}

// TestOpenRejects checks that Open refuses bytes that are no ELF file and a
// table that does not fit the object.
func TestOpenRejects(t *testing.T) {
	if _, err := Open([]byte("{\"json\": 1}"), nil); err == nil || !strings.Contains(err.Error(), "not an ELF file") {
		t.Errorf("Open(json) = %v", err)
	}
	elf, _ := fakeELF()
	if _, err := Open(elf, []Global{{Name: "x", Section: ".data", Offset: 62, Size: 4}}); err == nil || !strings.Contains(err.Error(), "outside the 64-byte object") {
		t.Errorf("Open(bad table) = %v", err)
	}
}

// TestNoHost checks that outside a wasip1 guest the host calls fail with
// ErrNoHost, and that calls needing a loaded object say so first.
func TestNoHost(t *testing.T) {
	if hasHost {
		t.Skip("running as a guest")
	}
	elf, globals := fakeELF()
	o, _ := Open(elf, globals)
	if err := o.Attach("prog"); err == nil || !strings.Contains(err.Error(), "call Load first") {
		t.Errorf("Attach before Load = %v", err)
	}
	if _, err := o.Map("m"); err == nil || !strings.Contains(err.Error(), "call Load first") {
		t.Errorf("Map before Load = %v", err)
	}
	if err := o.Load(); !errors.Is(err, ErrNoHost) {
		t.Errorf("Load = %v, want ErrNoHost", err)
	}
	m := &Map{obj: o, name: "counts", fd: 3}
	if err := m.Update(uint32(1), uint64(2), UpdateAny); !errors.Is(err, ErrNoHost) {
		t.Errorf("Update = %v, want ErrNoHost", err)
	}
}

// TestErrno checks errno spelling and matching.
func TestErrno(t *testing.T) {
	if err := result(-2); !errors.Is(err, ErrKeyNotExist) || errors.Is(err, ErrNoHost) {
		t.Errorf("result(-2) = %v: want ErrKeyNotExist", err)
	}
	if got := Errno(22).Error(); got != "invalid argument (errno 22)" {
		t.Errorf("Errno(22) = %q", got)
	}
	if result(5) != nil {
		t.Error("a positive result is not an error")
	}
}

// TestDeliver checks that records reach the buffer's function, that its
// error stops the poll, and that an unknown ctx is refused.
func TestDeliver(t *testing.T) {
	var got []string
	b := &Buffer{buf: []byte("hello world"), id: 99}
	b.fn = func(rec []byte) error {
		got = append(got, string(rec))
		if len(got) == 2 {
			return ErrStop
		}
		return nil
	}
	buffers[b.id] = b
	defer b.Close()
	if rc := deliver(99, 5); rc != 0 || got[0] != "hello" {
		t.Fatalf("deliver = %d, got %q", rc, got)
	}
	if rc := deliver(99, 100); rc != errStopped || got[1] != "hello world" || !errors.Is(b.err, ErrStop) {
		t.Errorf("deliver of an oversized record = %d, %q, %v: want the whole buffer, then a stop", rc, got[1], b.err)
	}
	if rc := deliver(12345, 1); rc != errStopped {
		t.Errorf("deliver to an unknown buffer = %d", rc)
	}
}
