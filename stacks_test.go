package nomia_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"nomia.dev/nomia"
	"nomia.dev/nomia/compile"
	"nomia.dev/nomia/internal/bpftest"
	"nomia.dev/nomia/symbolize"
)

// TestEventStacks: an event's stack ids come out as the frames behind them,
// in JSON and as lines under the event, named by the symbolizer.
func TestEventStacks(t *testing.T) {
	bpftest.RequireKernel(t)
	pkg, err := compile.Build(context.Background(), compile.Options{Source: "testdata/stackevents.bpf.c"})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := nomia.New(pkg)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	if err := inst.Set("targ_tgid", strconv.Itoa(os.Getpid())); err != nil {
		t.Fatal(err)
	}
	if err := inst.Start(nomia.Options{Notes: &bytes.Buffer{}, Symbolizer: symbolize.New()}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			unix.Getppid()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	var js, text []byte
	inst.Run(ctx, func(ev nomia.Event) {
		if ev.Stacks == nil {
			t.Error("an event with stack ids has no Stacks")
		} else {
			js = ev.AppendJSON(nil)
			text = ev.Stacks.AppendText(nil, ev.Data)
		}
		cancel()
	}, nil)
	if js == nil {
		t.Fatal("no event within 20s")
	}
	var got struct {
		PID    int
		Stacks map[string][]string
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatalf("%v: %s", err, js)
	}
	if got.PID != os.Getpid() {
		t.Errorf("pid = %d, want %d", got.PID, os.Getpid())
	}
	kern, user := got.Stacks["kern_stack_id"], got.Stacks["user_stack_id"]
	if !slices.Contains(kern, "do_syscall_64") {
		t.Errorf("kernel frames %v lack do_syscall_64", kern)
	}
	if len(user) == 0 || slices.Contains(user, "[unknown]") {
		t.Errorf("user frames %v: want named frames of this process", user)
	}
	if !strings.Contains(string(text), "    do_syscall_64\n") {
		t.Errorf("text lacks an indented do_syscall_64 line:\n%s", text)
	}
}
