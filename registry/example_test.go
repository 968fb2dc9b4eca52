package registry_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"os"
	"strings"

	"github.com/cilium/ebpf"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"

	"nomia.dev/nomia/cache"
	"nomia.dev/nomia/registry"
)

func ExampleParseReference() {
	for _, s := range []string{"localhost:5000/tools/mytool", "ghcr.io/org/mytool:v1", "mytool:v1"} {
		ref, err := registry.ParseReference(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(ref.Registry, ref.Repository, ref.Reference)
	}
	// Output:
	// localhost:5000 tools/mytool latest
	// ghcr.io org/mytool v1
	// error: "mytool:v1" has no registry host (write it as HOST[:PORT]/NAME[:TAG], e.g. localhost:5000/mytool:v1)
}

func ExamplePullPolicy() {
	var p registry.PullPolicy // the zero value pulls only what the cache lacks
	fmt.Println(p)
	_ = p.Set("never")
	fmt.Println(p)
	// Output:
	// missing
	// never
}

// Offline (--pull never), Verify reads only signatures an earlier
// verification cached; a pulled but never verified artifact is refused.
func ExampleClient_Verify() {
	dir, _ := os.MkdirTemp("", "nomia-cache")
	defer os.RemoveAll(dir)
	store, _ := cache.Open(dir)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	manifest := content.NewDescriptorFromBytes(ocispec.MediaTypeImageManifest, []byte("{}"))
	a := &registry.Artifact{
		Ref:      "localhost:5000/tools/opensnoop:v1",
		Pinned:   "localhost:5000/tools/opensnoop@" + manifest.Digest.String(),
		Manifest: manifest,
	}
	var c registry.Client
	err := c.Verify(context.Background(), a, store, registry.PullNever, key.Public())
	fmt.Println(strings.Replace(err.Error(), dir, "CACHE", 1))
	// Output:
	// verifying localhost:5000/tools/opensnoop@sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a: no signature in the cache (CACHE), and --pull never keeps the registry out (verify it online first: nomia pull --verify KEY localhost:5000/tools/opensnoop:v1)
}

// A tp_btf program writing a ring buffer, with a const volatile setting:
// besides the two, it needs the kernel's BTF and global data.
func ExampleRequiredKernelFeatures() {
	spec := &ebpf.CollectionSpec{
		Programs: map[string]*ebpf.ProgramSpec{
			"on_switch": {Type: ebpf.Tracing, AttachType: ebpf.AttachTraceRawTp, SectionName: "tp_btf/sched_switch"},
		},
		Maps: map[string]*ebpf.MapSpec{
			"events":  {Type: ebpf.RingBuf},
			".rodata": {Type: ebpf.Array},
		},
	}
	fmt.Println(strings.Join(registry.RequiredKernelFeatures(spec), ","))
	// Output: btf,global_data,ringbuf,tp_btf
}
