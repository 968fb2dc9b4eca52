package bpfpkg

import (
	"bytes"
	"compress/zlib"
	"debug/elf"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/cilium/ebpf"
)

// MaxObjectSize bounds the inflated object so that a hostile package cannot make
// the reader allocate without limit.
const MaxObjectSize = 256 << 20

// Package is a compiled eBPF object with its metadata.
type Package struct {
	// Object is the raw ELF object file.
	Object []byte
	// Meta describes the object.
	Meta Meta
}

type envelope struct {
	BPFObject     *string         `json:"bpf_object"`
	BPFObjectSize *int64          `json:"bpf_object_size"`
	Meta          json.RawMessage `json:"meta"`
}

// Parse decodes a package from its JSON text. It checks the envelope, inflates the
// object, verifies its declared size and that it is a BPF ELF file.
func Parse(data []byte) (*Package, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("package: not valid JSON (%v): expected a package.json written by nomia or eunomia-bpf", err)
	}
	if env.BPFObject == nil {
		return nil, fmt.Errorf("package: no \"bpf_object\" key: expected a package.json written by nomia or eunomia-bpf")
	}
	if env.BPFObjectSize == nil {
		return nil, fmt.Errorf("package: no \"bpf_object_size\" key: the envelope needs the inflated object size")
	}
	size := *env.BPFObjectSize
	if size <= 0 || size > MaxObjectSize {
		return nil, fmt.Errorf("package: bpf_object_size %d is out of range (1 to %d bytes)", size, MaxObjectSize)
	}
	compressed, err := base64.StdEncoding.DecodeString(*env.BPFObject)
	if err != nil {
		return nil, fmt.Errorf("package: bpf_object is not standard base64 (%v)", err)
	}
	obj, err := inflate(compressed, size)
	if err != nil {
		return nil, err
	}
	if err := checkELF(obj); err != nil {
		return nil, err
	}
	pkg := &Package{Object: obj}
	if len(env.Meta) == 0 || string(env.Meta) == "null" {
		return nil, fmt.Errorf("package: no \"meta\" object: the envelope needs bpf_skel metadata")
	}
	if err := json.Unmarshal(env.Meta, &pkg.Meta); err != nil {
		return nil, fmt.Errorf("package: meta is malformed (%v)", err)
	}
	pkg.Meta.fillDefaults()
	return pkg, nil
}

func inflate(compressed []byte, size int64) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("package: bpf_object is not zlib data (%v)", err)
	}
	defer zr.Close()
	obj, err := io.ReadAll(io.LimitReader(zr, size+1))
	if err != nil {
		return nil, fmt.Errorf("package: bpf_object does not inflate (%v): the file is truncated or corrupt", err)
	}
	if int64(len(obj)) != size {
		return nil, fmt.Errorf("package: bpf_object inflates to %d bytes but bpf_object_size says %d: the file is corrupt", len(obj), size)
	}
	return obj, nil
}

func checkELF(obj []byte) error {
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		return fmt.Errorf("package: bpf_object is not an ELF file (%v)", err)
	}
	defer f.Close()
	if f.Machine != elf.EM_BPF {
		return fmt.Errorf("package: bpf_object is an ELF file for %v, not for BPF", f.Machine)
	}
	return nil
}

// ReadFile reads and parses a package file; "-" reads standard input.
func ReadFile(path string) (*Package, error) {
	var data []byte
	var err error
	if path == "-" {
		if data, err = io.ReadAll(os.Stdin); err != nil {
			return nil, fmt.Errorf("package: cannot read standard input: %w", err)
		}
	} else if data, err = os.ReadFile(path); err != nil {
		// The *PathError's own text would repeat the path; its cause stays
		// wrapped for errors.Is(err, fs.ErrNotExist).
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("package: cannot read %s: %w (check the path, or pass - for standard input)", path, err)
	}
	pkg, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pkg, nil
}

// Marshal encodes the package in the eunomia-bpf envelope.
func (p *Package) Marshal() ([]byte, error) {
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(p.Object); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	meta, err := json.Marshal(normalized(p.Meta))
	if err != nil {
		return nil, err
	}
	obj := base64.StdEncoding.EncodeToString(z.Bytes())
	size := int64(len(p.Object))
	return json.MarshalIndent(envelope{BPFObject: &obj, BPFObjectSize: &size, Meta: meta}, "", "  ")
}

// normalized writes empty arrays instead of null, which eunomia-bpf cannot read.
func normalized(m Meta) Meta {
	if m.ExportTypes == nil {
		m.ExportTypes = []ExportType{}
	}
	for i := range m.ExportTypes {
		if m.ExportTypes[i].Members == nil {
			m.ExportTypes[i].Members = []Member{}
		}
	}
	s := &m.Skel
	if s.DataSections == nil {
		s.DataSections = []DataSection{}
	}
	if s.Maps == nil {
		s.Maps = []Map{}
	}
	if s.Progs == nil {
		s.Progs = []Prog{}
	}
	for i := range s.DataSections {
		if s.DataSections[i].Variables == nil {
			s.DataSections[i].Variables = []Variable{}
		}
	}
	return m
}

// Spec parses the object into a cilium/ebpf collection spec, with the attach
// points the metadata sets applied to the sections (see ApplyAttachPoints).
// Each call returns a fresh spec, so callers may modify it.
func (p *Package) Spec() (*ebpf.CollectionSpec, error) {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(p.Object))
	if err != nil {
		return nil, fmt.Errorf("package: the eBPF object cannot be read (%v)", err)
	}
	if err := p.Meta.ApplyAttachPoints(spec); err != nil {
		return nil, err
	}
	return spec, nil
}
