// SPDX-License-Identifier: GPL-2.0
/*
 * cost_cpio - write a byte-reproducible initramfs (newc cpio, uncompressed)
 * for the cost guest (scripts/cost.sh):
 *
 *   cost_cpio OUT.cpio /init=build/cost/cost_suite /tiny=build/cost/cost_tiny ...
 *
 * Entries in name order, every mtime 0, owner root, inode numbers sequential:
 * the same input files give the same bytes on any machine.  Besides the named
 * files it holds the directories dev, proc, sys and dev/console (char 5:1, which
 * the kernel opens as init's stdin, stdout and stderr).  Destinations must be
 * top-level names ("/init", "/tiny").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ent {
	const char *name;
	unsigned mode, rmaj, rmin;
	char *data;
	size_t len;
};

static FILE *o;
static size_t off;

static void put(const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, o) != n) {
		perror("cost_cpio: write");
		exit(1);
	}
	off += n;
}

static void pad(void)
{
	static const char z[4];

	put(z, (4 - off % 4) % 4);
}

static void entry(const struct ent *e, unsigned ino)
{
	char hdr[160];
	size_t nl = strlen(e->name) + 1;

	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, e->mode, 0, 0, (e->mode & 040000) ? 2 : 1, 0, (unsigned)e->len, 0, 0, e->rmaj,
		 e->rmin, (unsigned)nl, 0);
	put(hdr, 110);
	put(e->name, nl);
	pad();
	put(e->data, e->len);
	pad();
}

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

int main(int argc, char **argv)
{
	struct ent e[64] = {
		{ .name = "dev", .mode = 040755 }, { .name = "proc", .mode = 040755 },
		{ .name = "sys", .mode = 040755 },
		{ .name = "dev/console", .mode = 020600, .rmaj = 5, .rmin = 1 },
	};
	int n = 4;
	char tmp[4096];

	if (argc < 3 || argc - 2 > 60) {
		fprintf(stderr, "usage: cost_cpio OUT.cpio /NAME=FILE...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		FILE *f;

		if (!eq) {
			fprintf(stderr, "cost_cpio: %s: want /NAME=FILE\n", argv[i]);
			return 2;
		}
		*eq = 0;
		e[n].name = argv[i] + (argv[i][0] == '/');
		e[n].mode = 0100755;
		f = fopen(eq + 1, "rb");
		if (!f || fseek(f, 0, SEEK_END) || (long)(e[n].len = ftell(f)) < 0) {
			perror(eq + 1);
			return 1;
		}
		rewind(f);
		e[n].data = malloc(e[n].len + 1);
		if (!e[n].data || fread(e[n].data, 1, e[n].len, f) != e[n].len) {
			perror(eq + 1);
			return 1;
		}
		fclose(f);
		n++;
	}
	qsort(e, n, sizeof(e[0]), cmp);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	o = fopen(tmp, "wb");
	if (!o) {
		perror(tmp);
		return 1;
	}
	for (int i = 0; i < n; i++)
		entry(&e[i], i + 1);
	struct ent trailer = { .name = "TRAILER!!!" };

	entry(&trailer, 0);
	while (off % 512)
		put("", 1);
	if (fclose(o) || rename(tmp, argv[1])) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
