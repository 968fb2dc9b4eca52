// A BPF object whose BTF, as clang writes it, the decode tests read: it covers the
// kinds a hand-built type cannot vouch for (clang's own char, _Bool, enum and
// bitfield encodings). Built by the test with: clang -target bpf -g -O2 -c.
typedef unsigned char __u8;
typedef unsigned int __u32;
typedef unsigned long long __u64;

enum kind { KIND_EXEC = 1, KIND_EXIT = 2, KIND_NEG = -1 };

struct event {
	__u32 pid;
	int ret;
	__u64 ts;
	char comm[16];
	__u8 raw[4];
	enum kind kind;
	_Bool ok;
	unsigned int prio : 3, nice : 5;
	int delta : 7;
	union {
		__u32 fd;
		int err;
	};
	struct {
		unsigned short lo, hi;
	} range;
	double load;
	void *ptr;
	char args[];
};

// A global keeps struct event in the object's BTF.
struct event *last_event;

int nop(void *ctx) { return last_event != 0; }
