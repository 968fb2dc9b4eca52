/* A user's own vmlinux.h: found before the generated one because -I
 * directories from Options.Includes come first. */
#include <linux/types.h>
#define NOMIA_USER_VMLINUX 1
