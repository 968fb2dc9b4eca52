// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* target: a tiny program for the uprobe example to trace.
 *
 *   gcc -O1 -o target target.c && ./target 40 2
 *
 * calls nomia_add(a, b) once per run (or COUNT times: ./target A B COUNT)
 * and prints the sum. */
#include <stdio.h>
#include <stdlib.h>

/* noinline keeps the call, and so the probed function entry, at -O2. */
__attribute__((noinline)) long nomia_add(int a, long b)
{
	/* An empty asm statement stops the compiler from folding the call. */
	__asm__ volatile("" ::: "memory");
	return a + b;
}

int main(int argc, char **argv)
{
	int a = argc > 1 ? atoi(argv[1]) : 1;
	long b = argc > 2 ? atol(argv[2]) : 2;
	long count = argc > 3 ? atol(argv[3]) : 1;
	long sum = 0;

	for (long i = 0; i < count; i++)
		sum = nomia_add(a, b);
	printf("%ld\n", sum);
	return 0;
}
