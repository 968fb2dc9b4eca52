// Event layouts of networking tools, in the shapes libbpf-tools' tcplife, tcpstates,
// tcpconnect, tcptracer, bindsnoop and solisten give theirs, so the address tests
// decode the BTF clang really writes for them (anonymous unions, unsigned __int128).
// Built by the test with: clang -target bpf -g -O2 -c.
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;

// IPv4 in the low (first) bytes of a 128-bit integer, chosen by family.
struct life_event {
	unsigned __int128 saddr;
	unsigned __int128 daddr;
	__u64 span_us;
	__u32 pid;
	__u16 sport;
	__u16 dport;
	__u16 family;
	char comm[16];
};

// The same, next to a socket pointer that must stay a number.
struct state_event {
	unsigned __int128 saddr;
	unsigned __int128 daddr;
	__u64 skaddr;
	int newstate;
	__u16 family;
	__u16 dport;
};

// One union member per family, chosen by af.
struct connect_event {
	union {
		__u32 saddr_v4;
		__u8 saddr_v6[16];
	};
	union {
		__u32 daddr_v4;
		unsigned __int128 daddr_v6;
	};
	char task[16];
	__u32 af;
	__u16 dport;
};

// Bytes chosen by a version field holding 4 or 6.
struct bind_event {
	__u8 addr[16];
	__u32 pid;
	__u16 port;
	__u8 ver;
};

// Four 32-bit words and no family: always IPv6.
struct listen_event {
	__u32 addr[4];
	__u16 port;
};

// Flow keys without a family: the size says the version.
struct v4_key {
	__u32 saddr;
	__u8 daddr[4];
	__u16 sport;
	__u16 dport;
};

struct v6_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
};

// Globals keep the types in the object's BTF.
struct life_event *life;
struct state_event *state;
struct connect_event *conn;
struct bind_event *bind;
struct listen_event *listen;
struct v4_key *key4;
struct v6_key *key6;

int nop(void *ctx) { return life != 0; }
