/* What the C test guests print: shared so that they print alike whatever
 * API they poll with. */
#include <stdio.h>
#include <stdint.h>

static int want, seen, smalls;
static uint32_t pid;

/* print_event prints an event and counts it; -1 for a short record. */
static int print_event(const void *data, size_t size)
{
	const struct event *e = data;
	if (size < sizeof(*e))
		return -1;
	printf("event pid=%s seq=%u flag=%u comm=%s value=%llu neg=%d\n", e->pid == pid ? "true" : "false", e->seq,
	       e->flag, e->comm, (unsigned long long)e->value, e->neg);
	seen++;
	return 0;
}

/* print_small prints a perf-buffer record and counts it. */
static int print_small(const void *data, size_t size)
{
	const struct small *s = data;
	if (size < sizeof(*s))
		return -1;
	printf("small seq=%u half=%d\n", s->seq, s->half);
	smalls++;
	return 0;
}

/* args reads PID N MULTIPLIER, or prints the usage and exits 2. */
static unsigned long long args(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: main PID N MULTIPLIER\n");
		exit(2);
	}
	pid = strtoul(argv[1], NULL, 10);
	want = atoi(argv[2]);
	return strtoull(argv[3], NULL, 10);
}
