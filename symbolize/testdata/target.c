// The process the symbolizer's tests read: it prints the addresses of its
// functions, then runs main -> outer -> inner once per line of input.
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

int lib_exported(int x);
void lib_addrs(void **exported, void **hidden);

static volatile long sink;

__attribute__((noinline)) void inner(void)
{
	sink += syscall(SYS_getppid);
	// A label past the prologue: a uprobe here sees inner's own frame
	// pointer, so the kernel's frame walk reaches outer and main.
	__asm__ volatile("inner_probe:");
	sink++;
}

__attribute__((noinline)) void outer(void)
{
	inner();
	sink++;
}

int main(void)
{
	void *exported, *hidden;
	char line[64];

	lib_addrs(&exported, &hidden);
	printf("main=%p outer=%p inner=%p lib_exported=%p lib_hidden=%p\n",
	       (void *)main, (void *)outer, (void *)inner, exported, hidden);
	fflush(stdout);
	while (fgets(line, sizeof line, stdin)) {
		outer();
		lib_exported(1);
		printf("done\n");
		fflush(stdout);
	}
	return 0;
}
