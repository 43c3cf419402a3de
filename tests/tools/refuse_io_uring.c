/* refuse_io_uring: run a command with io_uring refused the way container
 * runtimes refuse it, so the server's fallback to epoll is tested without
 * Docker. Docker >= 25 and containerd >= 2 answer EPERM (their default
 * seccomp profiles leave io_uring_* out); Podman/CRI-O and gVisor answer
 * ENOSYS.
 *
 * usage: refuse_io_uring [EPERM|ENOSYS] -- COMMAND [ARGS...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int install_filter(unsigned err) {
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_enter, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_register, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {.len = sizeof filter / sizeof filter[0], .filter = filter};
    /* NO_NEW_PRIVS lets an unprivileged process install the filter. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program);
}

int main(int argc, char** argv) {
    unsigned err = EPERM;
    int first = 1;
    if (first < argc && strcmp(argv[first], "--") != 0) {
        if (strcmp(argv[first], "EPERM") == 0) {
            err = EPERM;
        } else if (strcmp(argv[first], "ENOSYS") == 0) {
            err = ENOSYS;
        } else {
            fprintf(stderr, "refuse_io_uring: unknown errno name '%s'\n", argv[first]);
            return 2;
        }
        ++first;
    }
    if (first < argc && strcmp(argv[first], "--") == 0) ++first;
    if (first >= argc) {
        fprintf(stderr, "usage: refuse_io_uring [EPERM|ENOSYS] -- COMMAND [ARGS...]\n");
        return 2;
    }
    if (install_filter(err) != 0) {
        perror("refuse_io_uring: seccomp");
        return 2;
    }
    execvp(argv[first], argv + first);
    perror("refuse_io_uring: exec");
    return 127;
}
