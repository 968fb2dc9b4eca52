package symbolize

import (
	"slices"
	"strings"
	"testing"
)

// TestParseMaps keeps executable mappings only, with paths that contain
// spaces or were deleted, and anonymous ones.
func TestParseMaps(t *testing.T) {
	listing := `00400000-00401000 r--p 00000000 08:01 1001                               /usr/bin/prog
00401000-00402000 r-xp 00001000 08:01 1001                               /usr/bin/prog
7f0000000000-7f0000010000 r-xp 00002000 fe:02 77                         /opt/my app/lib x.so (deleted)
7f0000020000-7f0000030000 rwxp 00000000 00:00 0 
7ffd1c5f2000-7ffd1c5f4000 r-xp 00000000 00:00 0                          [vdso]
`
	maps, err := parseMaps(strings.NewReader(listing))
	if err != nil {
		t.Fatal(err)
	}
	want := []mapping{
		{start: 0x401000, end: 0x402000, offset: 0x1000, dev: "08:01", inode: 1001, path: "/usr/bin/prog"},
		{start: 0x7f0000000000, end: 0x7f0000010000, offset: 0x2000, dev: "fe:02", inode: 77, path: "/opt/my app/lib x.so", deleted: true},
		{start: 0x7f0000020000, end: 0x7f0000030000, dev: "00:00"},
		{start: 0x7ffd1c5f2000, end: 0x7ffd1c5f4000, dev: "00:00", path: "[vdso]"},
	}
	if !slices.Equal(maps, want) {
		t.Fatalf("got %+v\nwant %+v", maps, want)
	}
	var modules []string
	for _, m := range maps {
		modules = append(modules, m.module())
	}
	if want := []string{"prog", "lib x.so", "", "[vdso]"}; !slices.Equal(modules, want) {
		t.Errorf("modules %q, want %q", modules, want)
	}
	if m, ok := findMapping(maps, 0x7f000000ffff); !ok || m.inode != 77 {
		t.Errorf("findMapping(0x7f000000ffff) = %+v, %v; want the x.so mapping", m, ok)
	}
	if _, ok := findMapping(maps, 0x402000); ok {
		t.Error("findMapping found a mapping for 0x402000, the end of one")
	}
}

// TestParseMapsBadLine reports a line it cannot read.
func TestParseMapsBadLine(t *testing.T) {
	_, err := parseMaps(strings.NewReader("zz-00402000 r-xp 0 08:01 1 /x\n"))
	if err == nil || !strings.Contains(err.Error(), "zz-00402000") {
		t.Errorf("got %v, want an error quoting the line", err)
	}
}
