// Uprobe target for the retarget tests: calls nt_one argv[1] times and nt_two
// argv[2] times.
#include <stdlib.h>

__attribute__((noinline)) int nt_one(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

__attribute__((noinline)) int nt_two(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 2;
}

int main(int argc, char **argv)
{
	int sum = 0;
	for (int i = 0; argc > 1 && i < atoi(argv[1]); i++)
		sum += nt_one(i);
	for (int i = 0; argc > 2 && i < atoi(argv[2]); i++)
		sum += nt_two(i);
	return sum < 0;
}
