// SPDX-License-Identifier: GPL-2.0
/*
 * report_html.c - report.html from report.md: the markdown is parsed by
 * cmark-gfm (GitHub's CommonMark parser, Debian's libcmark-gfm, with its
 * table extension) instead of by a converter of our own, which knew only
 * the markdown the report happened to contain.  What stays ours is what
 * no markdown renderer does: images are embedded as data: URIs so that the
 * page is one self-contained file, and the page's style sheet.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include "report.h"

static const char css[] =
	"body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:1400px;padding:0 1em;color:#222}"
	"table{border-collapse:collapse;margin:1em 0;font-size:12px}"
	"td,th{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}"
	"th{background:#eee}td[align=right],th[align=right]{text-align:right;white-space:nowrap}"
	"img{max-width:100%;height:auto}"
	"code{background:#f4f4f4;padding:0 2px}pre{background:#f4f4f4;padding:.5em}"
	/* the busy-machine verdict is the report's only block quote */
	"blockquote{background:#fde8e8;border:1px solid #c33;padding:.5em;margin:1em 0}";

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n + 1);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[n] = 0;
			*len = n;
		}
	}
	fclose(f);
	return buf;
}

/* a growing string: the <img> element of one embedded image */
struct str {
	char *s;
	size_t len, cap;
};

static void put(struct str *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			perror("exitwatch report");
			exit(2);
		}
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void put_esc(struct str *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': put(b, "&lt;", 4); break;
		case '>': put(b, "&gt;", 4); break;
		case '&': put(b, "&amp;", 5); break;
		case '"': put(b, "&quot;", 6); break;
		default: put(b, s, 1);
		}
	}
}

static void put_base64(struct str *b, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned int v = p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		char q[4] = {
			tab[v >> 18 & 63], tab[v >> 12 & 63],
			i + 1 < n ? tab[v >> 6 & 63] : '=', i + 2 < n ? tab[v & 63] : '=',
		};

		put(b, q, 4);
	}
}

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".svg"))
		return "image/svg+xml";
	if (!strcmp(dot, ".png"))
		return "image/png";
	if (!strcmp(dot, ".jpg") || !strcmp(dot, ".jpeg"))
		return "image/jpeg";
	return "application/octet-stream";
}

/* the text of an image's description, which cmark keeps as child nodes */
static void alt_text(cmark_node *n, struct str *b)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		const char *lit = cmark_node_get_literal(c);

		if (lit)
			put(b, lit, strlen(lit));
		alt_text(c, b);
	}
}

/*
 * One image node -> raw HTML with the file inline; 0 when embedded, 1 when
 * the file is missing (a line on stderr and a note in the page instead).
 */
static int embed(cmark_node *img, const char *dir)
{
	const char *url = cmark_node_get_url(img);
	char path[PATH_MAX];
	struct str alt = { 0 }, h = { 0 };
	unsigned char *data;
	size_t len = 0;
	cmark_node *raw;
	int missing = 0;

	if (strstr(url, "://"))
		return 0;	/* not a file of ours: left a link */
	snprintf(path, sizeof(path), "%s%s%s", url[0] == '/' ? "" : dir, url[0] == '/' ? "" : "/", url);
	data = read_file(path, &len);
	put(&alt, "", 0);
	alt_text(img, &alt);
	if (!data) {
		fprintf(stderr, "exitwatch report: %s: %s (left out of report.html)\n", path, strerror(errno));
		put(&h, "<em>image missing: ", 19);
		put_esc(&h, path);
		put(&h, "</em>", 5);
		missing = 1;
	} else {
		put(&h, "<img alt=\"", 10);
		put_esc(&h, alt.s);
		put(&h, "\" src=\"data:", 12);
		put(&h, mime_of(path), strlen(mime_of(path)));
		put(&h, ";base64,", 8);
		put_base64(&h, data, len);
		put(&h, "\">", 2);
	}
	raw = cmark_node_new(CMARK_NODE_HTML_INLINE);
	cmark_node_set_literal(raw, h.s);
	cmark_node_insert_before(img, raw);
	cmark_node_free(img);
	free(data);
	free(alt.s);
	free(h.s);
	return missing;
}

/*
 * The report's markdown never means HTML: a "<pid>" in a sentence is text.
 * Raw HTML that cmark found becomes text again (escaped when rendered), so
 * that the only raw HTML in the page is the images embedded here and the
 * line breaks of table cells.
 */
static void as_text(cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	cmark_node *t;

	/* except a line break in a table cell, where markdown has no other */
	if (lit && (!strcmp(lit, "<br>") || !strcmp(lit, "<br/>")))
		return;

	if (cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE) {
		t = cmark_node_new(CMARK_NODE_TEXT);
	} else {
		/* a block of raw HTML: its lines as a code block, kept visible */
		t = cmark_node_new(CMARK_NODE_CODE_BLOCK);
	}
	cmark_node_set_literal(t, lit);
	cmark_node_insert_before(n, t);
	cmark_node_free(n);
}

/* the nodes of one type in document order (the tree is changed after) */
static int collect(cmark_node *doc, cmark_node ***out)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int n = 0, cap = 0;

	*out = NULL;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *x = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(x);

		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_IMAGE && t != CMARK_NODE_HTML_INLINE &&
						t != CMARK_NODE_HTML_BLOCK))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			*out = realloc(*out, cap * sizeof(**out));
			if (!*out) {
				perror("exitwatch report");
				exit(2);
			}
		}
		(*out)[n++] = x;
	}
	cmark_iter_free(it);
	return n;
}

int ew_report_html(const char *dir)
{
	char path[PATH_MAX];
	size_t len = 0;
	unsigned char *md;
	cmark_parser *p;
	cmark_node *doc, **nodes;
	char *body;
	int n, missing = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.md", dir);
	md = read_file(path, &len);
	if (!md) {
		fprintf(stderr, "exitwatch report: %s: %s\n", path, strerror(errno));
		return -1;
	}
	cmark_gfm_core_extensions_ensure_registered();
	p = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension("table"));
	cmark_parser_feed(p, (const char *)md, len);
	doc = cmark_parser_finish(p);
	free(md);

	n = collect(doc, &nodes);
	for (int i = 0; i < n; i++) {
		if (cmark_node_get_type(nodes[i]) == CMARK_NODE_IMAGE)
			missing |= embed(nodes[i], dir);
		else
			as_text(nodes[i]);
	}
	free(nodes);
	/* unsafe: let through the <img> elements made above, and only those */
	body = cmark_render_html(doc, CMARK_OPT_UNSAFE, cmark_parser_get_syntax_extensions(p));

	snprintf(path, sizeof(path), "%s/report.html", dir);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>exitwatch report</title>"
			"<style>%s</style></head><body>\n%s</body></html>\n", css, body);
		if (fclose(f))
			f = NULL;
	}
	if (!f)
		fprintf(stderr, "exitwatch report: cannot write %s: %s\n", path, strerror(errno));
	free(body);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return !f ? -1 : missing;
}
