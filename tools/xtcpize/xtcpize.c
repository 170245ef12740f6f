// SPDX-License-Identifier: GPL-2.0
/*
 * libxtcpize.so: run an unmodified program with its TCP sockets on xtcp.
 *
 * Loaded with LD_PRELOAD (see the xtcpize script), it wraps socket():
 *
 *	socket(AF_INET or AF_INET6, SOCK_STREAM[|flags], 0 or IPPROTO_TCP)
 *
 * becomes the same call with IPPROTO_XTCP.  Everything else, socketpair()
 * included, goes to the C library untouched.  If the xtcp module is not
 * loaded the call fails as the kernel says (EPROTONOSUPPORT), unless
 * XTCPIZE_FALLBACK=1 is set, in which case a native socket is returned.
 * XTCPIZE_DEBUG=1 reports each converted socket on stderr.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <uapi/linux/xtcp.h>

typedef int (*socket_fn)(int, int, int);
typedef int (*socketpair_fn)(int, int, int, int[2]);

/* SOCK_NONBLOCK and SOCK_CLOEXEC share the type argument. */
#define XTCPIZE_TYPE_MASK	0xf

static socket_fn real_socket(void)
{
	static socket_fn fn;

	if (!fn)
		fn = (socket_fn)dlsym(RTLD_NEXT, "socket");
	return fn;
}

static int env_flag(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

static int wants_xtcp(int domain, int type, int protocol)
{
	return (domain == AF_INET || domain == AF_INET6) &&
	       (type & XTCPIZE_TYPE_MASK) == SOCK_STREAM &&
	       (protocol == 0 || protocol == IPPROTO_TCP);
}

int socket(int domain, int type, int protocol)
{
	socket_fn fn = real_socket();
	int fd, err;

	if (!fn) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (!wants_xtcp(domain, type, protocol))
		return fn(domain, type, protocol);

	fd = fn(domain, type, IPPROTO_XTCP);
	err = errno;
	if (env_flag("XTCPIZE_DEBUG"))
		fprintf(stderr, "xtcpize: %s(%d, %#x, %d) -> xtcp fd %d%s%s\n",
			__func__, domain, type, protocol, fd,
			fd < 0 ? ": " : "", fd < 0 ? strerror(err) : "");
	if (fd < 0 && env_flag("XTCPIZE_FALLBACK"))
		return fn(domain, type, protocol);
	errno = err;
	return fd;
}

/* Passthrough: stream socket pairs are AF_UNIX, never TCP. */
int socketpair(int domain, int type, int protocol, int sv[2])
{
	static socketpair_fn fn;

	if (!fn)
		fn = (socketpair_fn)dlsym(RTLD_NEXT, "socketpair");
	if (!fn) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return fn(domain, type, protocol, sv);
}
