// SPDX-License-Identifier: GPL-2.0
/*
 * socket_api: socket-level checks of the xtcp module, TAP output.
 *
 *   socket_api create      xtcp stream sockets in both families
 *   socket_api absent      socket() fails cleanly when xtcp is not loaded
 *   socket_api hold SECS   open one socket per family and sleep (rmmod test)
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <uapi/linux/xtcp.h>

static int ntest, nfail;

static void result(int pass, const char *fmt, const char *fam, int err)
{
	char name[160];

	snprintf(name, sizeof(name), fmt, fam);
	ntest++;
	if (pass) {
		printf("ok %d %s\n", ntest, name);
	} else {
		nfail++;
		printf("not ok %d %s\n", ntest, name);
		if (err)
			printf("# errno %d (%s)\n", err, strerror(err));
	}
}

static int getint(int fd, int level, int opt)
{
	socklen_t len = sizeof(int);
	int v = -1;

	if (getsockopt(fd, level, opt, &v, &len) < 0)
		return -errno - 1000;
	return v;
}

static void create_family(int family, const char *fam)
{
	int fd, err;

	fd = socket(family, SOCK_STREAM, IPPROTO_XTCP);
	err = errno;
	result(fd >= 0, "%s: socket(SOCK_STREAM, IPPROTO_XTCP) succeeds", fam, err);
	if (fd < 0) {
		/* the dependent cases cannot run; report them as failed */
		result(0, "%s: SO_PROTOCOL is IPPROTO_XTCP", fam, 0);
		result(0, "%s: SO_TYPE and SO_DOMAIN", fam, 0);
		result(0, "%s: close() succeeds", fam, 0);
	} else {
		result(getint(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_XTCP,
		       "%s: SO_PROTOCOL is IPPROTO_XTCP", fam, 0);
		result(getint(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM &&
		       getint(fd, SOL_SOCKET, SO_DOMAIN) == family,
		       "%s: SO_TYPE and SO_DOMAIN", fam, 0);
		result(close(fd) == 0, "%s: close() succeeds", fam, errno);
	}

	/* xtcp is a stream protocol only */
	fd = socket(family, SOCK_DGRAM, IPPROTO_XTCP);
	err = errno;
	result(fd < 0 && err == EPROTONOSUPPORT,
	       "%s: SOCK_DGRAM with IPPROTO_XTCP is EPROTONOSUPPORT", fam, err);
	if (fd >= 0)
		close(fd);

	/* many sockets at once, then close them all: nothing may leak */
	{
		int fds[256], i, n = 0;

		for (i = 0; i < 256; i++) {
			fds[i] = socket(family, SOCK_STREAM, IPPROTO_XTCP);
			if (fds[i] >= 0)
				n++;
		}
		for (i = 0; i < 256; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		result(n == 256, "%s: 256 sockets open and close", fam, 0);
	}
}

static int hold(int secs)
{
	int fd4 = socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP);
	int fd6 = socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP);

	if (fd4 < 0 || fd6 < 0) {
		perror("socket");
		return 1;
	}
	printf("holding\n");
	fflush(stdout);
	sleep(secs);
	close(fd4);
	close(fd6);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "create";

	if (!strcmp(mode, "create")) {
		printf("TAP version 13\n1..10\n");
		create_family(AF_INET, "inet");
		create_family(AF_INET6, "inet6");
	} else if (!strcmp(mode, "absent")) {
		int fd4, fd6, e4, e6;

		printf("TAP version 13\n1..1\n");
		fd4 = socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP);
		e4 = errno;
		fd6 = socket(AF_INET6, SOCK_STREAM, IPPROTO_XTCP);
		e6 = errno;
		result(fd4 < 0 && fd6 < 0 && e4 == EPROTONOSUPPORT &&
		       e6 == EPROTONOSUPPORT,
		       "%s: socket() is EPROTONOSUPPORT without the module",
		       "both", fd4 < 0 ? e4 : 0);
	} else if (!strcmp(mode, "hold") && argc > 2) {
		nfail = hold(atoi(argv[2]));
	} else {
		fprintf(stderr, "usage: socket_api create|absent|hold SECS\n");
		return 2;
	}
	return nfail ? 1 : 0;
}
