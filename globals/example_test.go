package globals_test

import (
	"encoding/binary"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/spf13/pflag"

	"nomia.dev/nomia/globals"
)

// Parse checks ranges instead of truncating, and spells typedef names in its
// errors.
func ExampleParse() {
	u8 := &btf.Typedef{Name: "u8", Type: &btf.Int{Name: "unsigned char", Size: 1}}
	b, err := globals.Parse(u8, "0x2a")
	fmt.Println(b, err)
	_, err = globals.Parse(u8, "300")
	fmt.Println(err)

	float := &btf.Float{Name: "float", Size: 4}
	b, _ = globals.Parse(float, "1.5")
	fmt.Printf("% x\n", b) // little-endian IEEE 754

	comm := &btf.Array{Type: &btf.Int{Name: "char", Size: 1, Encoding: btf.Signed}, Nelems: 8}
	_, err = globals.Parse(comm, "too long for it")
	fmt.Println(err)
	// Output:
	// [42] <nil>
	// value 300 out of range for u8 (0..255)
	// 00 00 c0 3f
	// value "too long for it" too long for char[8]: at most 7 bytes (one is kept for the NUL)
}

// Register turns the globals of an object into flags; Apply writes the ones
// the user set into the spec before it is loaded. The spec is built by hand
// here; normally it comes from ebpf.LoadCollectionSpec.
func ExampleRegister() {
	pid := &btf.Typedef{Name: "pid_t", Type: &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}}
	spec := &ebpf.CollectionSpec{ByteOrder: binary.LittleEndian, Variables: map[string]*ebpf.VariableSpec{
		"targ_pid": {Name: "targ_pid", SectionName: ".rodata", Value: make([]byte, 4),
			Type: &btf.Var{Name: "targ_pid", Type: &btf.Const{Type: &btf.Volatile{Type: pid}}}},
	}}
	vars, _ := globals.List(spec, nil)

	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	values := globals.Register(fs, vars)
	fmt.Print(fs.FlagUsages())

	if err := fs.Parse([]string{"--targ_pid", "4242"}); err != nil {
		fmt.Println(err)
	}
	if err := values.Apply(spec); err != nil {
		fmt.Println(err)
	}
	fmt.Println(spec.Variables["targ_pid"].Value)
	// Output:
	//       --targ_pid pid_t   global variable targ_pid (pid_t, default 0)
	// [146 16 0 0]
}
