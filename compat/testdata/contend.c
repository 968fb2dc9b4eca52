// contend: four threads fight over one pthread mutex, so that the machine sees
// FUTEX_WAIT contention for futexctn. glibc's mutexes wait with FUTEX_WAIT, the
// operation futexctn traces; Python's locks and condition variables wait with
// FUTEX_WAIT_BITSET, which it ignores.
#include <pthread.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;

static void *worker(void *arg)
{
	for (int i = 0; i < 100000; i++) {
		pthread_mutex_lock(&mu);
		for (int j = 0; j < 50; j++)
			counter++;
		pthread_mutex_unlock(&mu);
	}
	return arg;
}

int main(void)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], 0, worker, 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], 0);
	return 0;
}
