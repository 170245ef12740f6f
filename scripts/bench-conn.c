// SPDX-License-Identifier: GPL-2.0
/*
 * bench-conn: connections per second, for scripts/bench.
 *
 *   bench-conn server PROTO ADDR PORT
 *   bench-conn client PROTO ADDR PORT SECONDS
 *
 * PROTO is the socket() protocol number: 0 or 6 for native TCP, 253
 * (IPPROTO_XTCP) for xtcp.  ADDR is an IPv4 or IPv6 literal.
 *
 * The client runs a tight loop for SECONDS: socket(), connect(), send one
 * byte, receive one byte, read until end of stream, close().  The server
 * accepts, echoes the byte and closes first, so TIME_WAIT is left on the
 * server side and the client's ephemeral ports stay free.  The client
 * prints one line:
 *
 *   connections N seconds S cps R errors E
 *
 * and exits 0 if at least one connection completed.  A failed step
 * counts as an error, closes the socket and goes on.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int parse_addr(const char *host, const char *port,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	int p = atoi(port);

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(p);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(p);
		*len = sizeof(*sin6);
		return 0;
	}
	fprintf(stderr, "bench-conn: bad address %s\n", host);
	return -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int server(int proto, struct sockaddr_storage *ss, socklen_t len)
{
	int one = 1, lfd;

	lfd = socket(ss->ss_family, SOCK_STREAM, proto);
	if (lfd < 0) {
		perror("bench-conn: socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)ss, len) < 0 ||
	    listen(lfd, 1024) < 0) {
		perror("bench-conn: bind/listen");
		return 1;
	}
	/* Ready: scripts/bench waits for this line. */
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		char c;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EMFILE || errno == ENFILE)
				continue;
			perror("bench-conn: accept");
			return 1;
		}
		if (recv(fd, &c, 1, 0) == 1)
			send(fd, &c, 1, MSG_NOSIGNAL);
		close(fd);
	}
}

static int client(int proto, struct sockaddr_storage *ss, socklen_t len,
		  double seconds)
{
	unsigned long conns = 0, errors = 0;
	double start = now(), end = start + seconds, t = start;

	while (t < end) {
		char c = 'x', buf[16];
		int fd = socket(ss->ss_family, SOCK_STREAM, proto);
		ssize_t n;

		if (fd < 0) {
			perror("bench-conn: socket");
			return 1;
		}
		if (connect(fd, (struct sockaddr *)ss, len) < 0 ||
		    send(fd, &c, 1, MSG_NOSIGNAL) != 1 ||
		    recv(fd, buf, 1, 0) != 1) {
			errors++;
		} else {
			do
				n = recv(fd, buf, sizeof(buf), 0);
			while (n > 0);
			if (n < 0)
				errors++;
			else
				conns++;
		}
		close(fd);
		t = now();
	}
	printf("connections %lu seconds %.3f cps %.1f errors %lu\n",
	       conns, t - start, conns / (t - start), errors);
	return conns ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int proto;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 5 || (strcmp(argv[1], "server") && strcmp(argv[1], "client")) ||
	    (!strcmp(argv[1], "client") && argc < 6)) {
		fprintf(stderr, "usage: bench-conn server PROTO ADDR PORT\n"
				"       bench-conn client PROTO ADDR PORT SECONDS\n");
		return 2;
	}
	proto = atoi(argv[2]);
	if (parse_addr(argv[3], argv[4], &ss, &len))
		return 2;
	if (!strcmp(argv[1], "server"))
		return server(proto, &ss, len);
	return client(proto, &ss, len, atof(argv[5]));
}
