package mapview_test

import (
	"fmt"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"nomia.dev/nomia/mapview"
)

// A map of histograms keyed by pid, as runqlat -P keeps it. Plan picks it
// for its `slots` field; here user space fills it instead of a program.
func Example() {
	u32 := &btf.Int{Name: "unsigned int", Size: 4}
	pid := &btf.Typedef{Name: "pid_t", Type: &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}}
	hist := &btf.Struct{Name: "hist", Size: 24, Members: []btf.Member{
		{Name: "slots", Type: &btf.Array{Type: u32, Index: u32, Nelems: 6}},
	}}
	spec := &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{
		"hists": {Name: "hists", Type: ebpf.Hash, KeySize: 4, ValueSize: 24, MaxEntries: 16, Key: pid, Value: hist},
	}}
	views, err := mapview.Plan(spec, nil, mapview.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer coll.Close()
	if err := coll.Maps["hists"].Put(int32(42), [6]uint32{0, 1, 4, 2}); err != nil {
		fmt.Println(err)
		return
	}

	v := views[0]
	fmt.Println(v.Name(), v.Kind())
	if err := v.WriteText(os.Stdout, coll); err != nil {
		fmt.Println(err)
	}
	js, err := v.AppendJSON(nil, coll)
	if err != nil {
		fmt.Println(err)
	}
	os.Stdout.Write(js)
	// Output:
	// hists log2_hist
	// key = 42
	//      value               : count    distribution
	//          0 -> 1          : 0        |                                        |
	//          2 -> 3          : 1        |**********                              |
	//          4 -> 7          : 4        |****************************************|
	//          8 -> 15         : 2        |********************                    |
	// {"map":"hists","key":42,"hist":{"unit":"value","buckets":[{"low":0,"high":1,"count":0},{"low":2,"high":3,"count":1},{"low":4,"high":7,"count":4},{"low":8,"high":15,"count":2}]}}
}

// Stacks of an event struct, as the event printer shows them. The stack
// map here is empty, so the event's kernel stack has gone missing; its
// user stack id is -1, meaning none was taken.
func ExampleEventStacks() {
	s32 := &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}
	event := &btf.Struct{Name: "event", Size: 12, Members: []btf.Member{
		{Name: "pid", Type: &btf.Int{Name: "u32", Size: 4}},
		{Name: "kern_stack_id", Type: s32, Offset: 32},
		{Name: "user_stack_id", Type: s32, Offset: 64},
	}}
	spec := &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{
		"stackmap": {Name: "stackmap", Type: ebpf.StackTrace, KeySize: 4, ValueSize: 8 * 127, MaxEntries: 16},
	}}
	stacks := mapview.EventStacks(spec, event, nil, false)
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer coll.Close()

	rec := []byte{42, 0, 0, 0, 5, 0, 0, 0, 0xff, 0xff, 0xff, 0xff} // pid 42, kernel stack 5, no user stack
	if err := stacks.WriteText(os.Stdout, coll, rec); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("{\"pid\":42%s}\n", stacks.AppendJSON(nil, coll, rec))
	// Output:
	//     [Missed Kernel Stack]
	// {"pid":42,"stacks":{"kern_stack_id":null}}
}
