// Uprobe target for the attach tests: calls nt_target_fn N times (argv[1]),
// after reading one line from stdin when a second argument is given, so that a
// test can attach to the process by its PID before the calls happen.
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int nt_target_fn(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 2;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1, sum = 0;
	char line[16];
	if (argc > 2 && !fgets(line, sizeof line, stdin))
		return 1;
	for (int i = 0; i < n; i++)
		sum += nt_target_fn(i);
	printf("%d\n", sum);
	return 0;
}
