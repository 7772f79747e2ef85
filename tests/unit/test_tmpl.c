/* Tests of the template engine: source + data -> output, invalid sources ->
 * error with the right line, and loading a folder. */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "tmpl.h"

#define ESC_NAME	"&lt;b&gt;Zoé&lt;/b&gt; &amp; &quot;co&quot; &#39;x&#39;"

/* The data every render case sees. */
static struct tdict *
fixture_data(struct arena *a)
{
	struct tdict *d, *user, *addr, *it;
	struct tlist *items, *tags;

	d = tdict_new(a);
	tdict_str(d, "name", "<b>Zoé</b> & \"co\" 'x'");
	tdict_int(d, "n", 42);
	tdict_int(d, "zero", 0);
	tdict_int(d, "neg", -7);
	tdict_int(d, "min", LLONG_MIN);
	tdict_int(d, "max", LLONG_MAX);
	tdict_bool(d, "yes", true);
	tdict_bool(d, "no", false);
	tdict_str(d, "empty", "");
	tdict_str(d, "null", NULL);
	tdict_const(d, "html", "<em>ok</em>");
	tdict_raw_(d, "body", "<p>x</p>");
	tdict_str(d, "str", "<i>");
	tdict_strf(d, "f", "%d-%s", 7, "z");
	tdict_str(d, "dup", "first");
	tdict_str(d, "dup", "second");
	tdict_str(d, "dup2", "text");
	tdict_int(d, "dup2", 5);
	tdict_str(d, "a-b", "dash");
	tdict_str(d, "a_b", "under");
	user = tdict_dict(d, "user");
	tdict_str(user, "first", "Ann");
	tdict_str(user, "last", "O'Neil");
	addr = tdict_dict(user, "addr");
	tdict_str(addr, "city", "Lyon");
	items = tdict_list(d, "items");
	it = tlist_add(items);
	tdict_str(it, "label", "a");
	tdict_int(it, "n", 1);
	it = tlist_add(items);
	tdict_str(it, "label", "b<");
	tdict_int(it, "n", 2);
	it = tlist_add(items);
	tdict_str(it, "label", "c");
	tdict_str(it, "name", "inner");
	tags = tdict_list(d, "tags");
	tlist_add_str(tags, "x");
	tlist_add_str(tags, "y&");
	tlist_add_str(tags, "z");
	tdict_list(d, "none");
	return d;
}

/* Partials compiled beside each render case. */
static const struct {
	const char	*name;
	const char	*src;
} partials[] = {
	{ "hello",	"Hello {{name}}!" },
	{ "item",	"<li>{{label}}</li>" },
	{ "loop",	"r{{>loop}}" },
	{ "sub/dir",	"[{{n}}]" },
	{ "blk",	"{{#yes}}\nY\n{{/yes}}\n" },
};

static const struct {
	const char	*src;
	const char	*want;
} render_cases[] = {
	{ "", "" },
	{ "plain text, é", "plain text, é" },
	{ "a { b } }} c {", "a { b } }} c {" },
	/* escaping and raw */
	{ "{{name}}", ESC_NAME },
	{ "{{ name }}|{{\tname\t}}", ESC_NAME "|" ESC_NAME },
	{ "{{{name}}}", ESC_NAME },
	{ "{{{ html }}}", "<em>ok</em>" },
	{ "{{html}}", "&lt;em&gt;ok&lt;/em&gt;" },
	{ "{{{body}}}", "<p>x</p>" },
	{ "{{{str}}}|{{str}}", "&lt;i&gt;|&lt;i&gt;" },
	/* scalars */
	{ "{{n}}|{{zero}}|{{neg}}|{{min}}|{{max}}",
	  "42|0|-7|-9223372036854775808|9223372036854775807" },
	{ "{{{n}}}", "42" },
	{ "[{{yes}}][{{no}}][{{{yes}}}]", "[][][]" },
	{ "[{{missing}}][{{user}}][{{items}}][{{null}}]", "[][][][]" },
	{ "{{f}}", "7-z" },
	{ "{{dup}} {{dup2}}", "second 5" },
	{ "{{a-b}} {{a_b}}", "dash under" },
	{ "[{{.}}]", "[]" },
	/* dotted names */
	{ "{{user.first}} {{user.last}} {{user.addr.city}}",
	  "Ann O&#39;Neil Lyon" },
	{ "[{{user.nope}}{{user.first.x}}{{nope.first}}{{n.x}}]", "[]" },
	/* sections */
	{ "{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#missing}}M{{/missing}}", "Y" },
	{ "{{^yes}}Y{{/yes}}{{^no}}N{{/no}}{{^missing}}M{{/missing}}", "NM" },
	{ "{{#empty}}E{{/empty}}{{^empty}}e{{/empty}}{{^null}}0{{/null}}",
	  "e0" },
	{ "{{#zero}}Z{{/zero}}{{^zero}}z{{/zero}}{{#n}}[{{.}}]{{/n}}",
	  "z[42]" },
	{ "{{#name}}{{.}}{{/name}}", ESC_NAME },
	{ "{{#html}}{{{.}}}|{{.}}{{/html}}", "<em>ok</em>|&lt;em&gt;ok&lt;/em&gt;" },
	{ "{{#items}}<{{label}}:{{n}}>{{/items}}", "<a:1><b&lt;:2><c:42>" },
	{ "{{#items}}{{name}},{{/items}}", ESC_NAME "," ESC_NAME ",inner," },
	{ "{{^none}}vide{{/none}}{{#none}}x{{/none}}", "vide" },
	{ "{{^items}}x{{/items}}{{^user}}u{{/user}}", "" },
	{ "{{#tags}}({{.}}){{/tags}}", "(x)(y&amp;)(z)" },
	{ "{{#tags}}{{{.}}}{{/tags}}", "xy&amp;z" },
	{ "{{#user}}{{first}} {{addr.city}} {{n}}{{/user}}", "Ann Lyon 42" },
	{ "{{#user.addr}}{{city}}{{/user.addr}}", "Lyon" },
	{ "{{#user}}{{#addr}}{{city}}{{first}}{{/addr}}{{/user}}",
	  "LyonAnn" },
	{ "{{#items}}{{#tags}}{{.}}{{/tags}};{{/items}}",
	  "xy&amp;z;xy&amp;z;xy&amp;z;" },
	{ "{{#.}}root{{/.}}", "root" },
	/* partials */
	{ "{{>hello}}", "Hello " ESC_NAME "!" },
	{ "{{#items}}{{>item}}{{/items}}",
	  "<li>a</li><li>b&lt;</li><li>c</li>" },
	{ "{{>loop}}", "rrrrrrrrrrrrrrrr" },
	{ "{{> sub/dir }}", "[42]" },
	{ "[{{>nope}}]", "[]" },
	{ "{{>blk}}{{>blk}}", "Y\nY\n" },
	/* comments and standalone lines */
	{ "{{! a comment }}x", "x" },
	{ "a\n{{#yes}}\nb\n{{/yes}}\nc\n", "a\nb\nc\n" },
	{ "a\n  {{#yes}}  \nb\n\t{{/yes}}\t\nc", "a\nb\nc" },
	{ "a\r\n{{#yes}}\r\nb\r\n{{/yes}}\r\n", "a\r\nb\r\n" },
	{ "a\n{{^yes}}\nb\n{{/yes}}\nc", "a\nc" },
	{ "{{#yes}}\n{{/yes}}", "" },
	{ "a {{#yes}}b{{/yes}}\n", "a b\n" },
	{ "x\n{{n}}\ny", "x\n42\ny" },
	{ "x\n  {{{n}}}  \ny", "x\n  42  \ny" },
	{ "a\n{{! note }}\nb", "a\nb" },
	{ "a\n{{! one\ntwo }}\nb", "a\nb" },
	{ "a\n {{>hello}} \nb", "a\nHello " ESC_NAME "!b" },
	{ "{{#yes}}{{#yes}}\nx\n{{/yes}}{{/yes}}\n", "\nx\n\n" },
	{ "<ul>\n{{#tags}}\n  <li>{{.}}</li>\n{{/tags}}\n</ul>\n",
	  "<ul>\n  <li>x</li>\n  <li>y&amp;</li>\n  <li>z</li>\n</ul>\n" },
};

START_TEST(test_render)
{
	struct tmpl_set *set;
	struct arena a;
	struct buf out = BUF_INIT;
	char err[256];
	size_t i;
	const char *src = render_cases[_i].src;

	set = tmpl_set_new();
	for (i = 0; i < sizeof(partials) / sizeof(partials[0]); i++)
		ck_assert_int_eq(tmpl_compile(set, partials[i].name,
		    partials[i].src, strlen(partials[i].src), err,
		    sizeof(err)), 0);
	ck_assert_msg(tmpl_compile(set, "t", src, strlen(src), err,
	    sizeof(err)) == 0, "case %d: %s", _i, err);
	arena_init(&a, 0);
	ck_assert_int_eq(tmpl_render(set, "t", fixture_data(&a), &out), 0);
	ck_assert_msg(strcmp(buf_str(&out), render_cases[_i].want) == 0,
	    "case %d: %s\n got  [%s]\n want [%s]", _i, src, buf_str(&out),
	    render_cases[_i].want);
	buf_free(&out);
	arena_free(&a);
	tmpl_set_free(set);
}
END_TEST

static const struct {
	const char	*src;
	size_t		 len;		/* 0: strlen(src) */
	unsigned	 line;
	const char	*why;
} error_cases[] = {
	{ "{{#a}}x", 0, 1, "section 'a' is not closed" },
	{ "l1\nl2\n{{#a}}\n{{#b}}\n{{/b}}\n", 0, 3,
	  "section 'a' is not closed" },
	{ "{{#a}}\n{{^b}}\n", 0, 2, "section 'b' is not closed" },
	{ "{{#a}}\n{{/b}}", 0, 2,
	  "{{/b}} does not match section 'a' opened on line 1" },
	{ "{{#a.b}}{{/a}}", 0, 1, "does not match section 'a.b'" },
	{ "x\n\n{{/a}}", 0, 3, "{{/a}} closes no open section" },
	{ "{{#a}}{{/a}}\n{{/a}}", 0, 2, "closes no open section" },
	{ "{{&a}}", 0, 1, "unknown tag type '&'" },
	{ "\n{{=<% %>=}}", 0, 2, "unknown tag type '='" },
	{ "{{$x}}", 0, 1, "unknown tag type '$'" },
	{ "{{\0}}", 6, 1, "unknown tag type byte 0x00" },
	{ "{{\xc3\xa9}}", 0, 1, "unknown tag type byte 0xc3" },
	{ "{{a", 0, 1, "unterminated tag" },
	{ "ok\n{{a\n}}", 0, 2, "unterminated tag" },
	{ "ok\n\n{{", 0, 3, "unterminated tag" },
	{ "{{#", 0, 1, "unterminated tag" },
	{ "{{a}", 0, 1, "unterminated tag" },
	{ "{{! x }", 0, 1, "unterminated comment" },
	{ "{{{a}}", 0, 1, "{{{ closed by }} instead of }}}" },
	{ "{{{a}} }", 0, 1, "{{{ closed by }} instead of }}}" },
	{ "{{}}", 0, 1, "empty name in tag" },
	{ "a\n{{  }}", 0, 2, "empty name in tag" },
	{ "{{#}}{{/}}", 0, 1, "empty name in tag" },
	{ "{{^ }}", 0, 1, "empty name in tag" },
	{ "{{#a}}{{/ }}", 0, 1, "empty name in tag" },
	{ "{{>}}", 0, 1, "empty name in tag" },
	{ "{{{}}}", 0, 1, "empty name in tag" },
	{ "{{a b}}", 0, 1, "invalid byte 0x20 in name" },
	{ "{{a\r}}", 0, 1, "invalid byte 0x0d in name" },
	{ "{{a/b}}", 0, 1, "invalid '/' in name" },
	{ "{{{{a}}}}", 0, 1, "invalid '{' in name" },
	{ "{{a..b}}", 0, 1, "empty part in name 'a..b'" },
	{ "{{.a}}", 0, 1, "empty part in name '.a'" },
	{ "{{#a.}}{{/a.}}", 0, 1, "empty part in name 'a.'" },
	{ "{{>a b}}", 0, 1, "invalid byte 0x20 in partial name" },
	{ "{{>a:b}}", 0, 1, "invalid ':' in partial name" },
	{ "{{a}}\n\n{{#b}}\n{{/c}}", 0, 4, "does not match section 'b'" },
};

START_TEST(test_error)
{
	struct tmpl_set *set;
	char err[256], want[64];
	const char *src = error_cases[_i].src;
	size_t len = error_cases[_i].len ? error_cases[_i].len : strlen(src);

	set = tmpl_set_new();
	ck_assert_int_eq(tmpl_compile(set, "t", src, len, err, sizeof(err)),
	    -1);
	snprintf(want, sizeof(want), "t:%u: ", error_cases[_i].line);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0 &&
	    strstr(err, error_cases[_i].why) != NULL,
	    "case %d: got \"%s\", want \"%s%s\"", _i, err, want,
	    error_cases[_i].why);
	ck_assert(!tmpl_exists(set, "t"));
	tmpl_set_free(set);
}
END_TEST

/* Appends n copies of s to b. */
static void
repeat(struct buf *b, const char *s, size_t n)
{
	while (n-- > 0)
		buf_puts(b, s);
}

START_TEST(test_limits)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf src = BUF_INIT, out = BUF_INIT;
	struct arena a;
	char err[256], *big;

	/* 32 nested sections compile, 33 do not. */
	repeat(&src, "{{#yes}}\n", 32);
	repeat(&src, "{{/yes}}\n", 32);
	ck_assert_int_eq(tmpl_compile(set, "deep", src.data, src.len, err,
	    sizeof(err)), 0);
	buf_clear(&src);
	repeat(&src, "{{#yes}}\n", 33);
	repeat(&src, "{{/yes}}\n", 33);
	ck_assert_int_eq(tmpl_compile(set, "t", src.data, src.len, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "t:33: sections nested deeper than 32");

	/* Name of 255 bytes compiles, 256 does not. */
	buf_clear(&src);
	buf_puts(&src, "{{");
	repeat(&src, "a", 255);
	buf_puts(&src, "}}");
	ck_assert_int_eq(tmpl_compile(set, "t", src.data, src.len, err,
	    sizeof(err)), 0);
	buf_clear(&src);
	buf_puts(&src, "x\n{{");
	repeat(&src, "a", 256);
	buf_puts(&src, "}}");
	ck_assert_int_eq(tmpl_compile(set, "u", src.data, src.len, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "u:2: name longer than 255 bytes");

	/* 16 dotted parts compile, 17 do not. */
	buf_clear(&src);
	buf_puts(&src, "{{a");
	repeat(&src, ".a", 15);
	buf_puts(&src, "}}");
	ck_assert_int_eq(tmpl_compile(set, "t", src.data, src.len, err,
	    sizeof(err)), 0);
	buf_clear(&src);
	buf_puts(&src, "{{a");
	repeat(&src, ".a", 16);
	buf_puts(&src, "}}");
	ck_assert_int_eq(tmpl_compile(set, "u", src.data, src.len, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "u:1: name with more than 16 parts");

	/* 1 MiB compiles, one byte more does not. */
	big = malloc(1024 * 1024 + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 1024 * 1024 + 1);
	ck_assert_int_eq(tmpl_compile(set, "big", big, 1024 * 1024, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(tmpl_compile(set, "u", big, 1024 * 1024 + 1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "larger than"));
	free(big);
	ck_assert(!tmpl_exists(set, "u"));

	/* A runaway render (2^32 iterations) stops and leaves out as it
	 * was. */
	arena_init(&a, 0);
	buf_clear(&src);
	repeat(&src, "{{#l}}", 32);
	buf_puts(&src, "x");
	repeat(&src, "{{/l}}", 32);
	ck_assert_int_eq(tmpl_compile(set, "run", src.data, src.len, err,
	    sizeof(err)), 0);
	{
		struct tdict *d = tdict_new(&a);
		struct tlist *l = tdict_list(d, "l");

		tlist_add(l);
		tlist_add(l);
		buf_puts(&out, "kept");
		ck_assert_int_eq(tmpl_render(set, "run", d, &out), -1);
		ck_assert_str_eq(buf_str(&out), "kept");
	}
	/* A deep template renders whole. */
	buf_clear(&out);
	ck_assert_int_eq(tmpl_render(set, "deep", fixture_data(&a), &out), 0);
	ck_assert_str_eq(buf_str(&out), "");
	arena_free(&a);
	buf_free(&src);
	buf_free(&out);
	tmpl_set_free(set);
}
END_TEST

START_TEST(test_api)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf out = BUF_INIT;
	struct arena a;
	struct tdict *d;
	struct tlist *l;
	char err[8];

	arena_init(&a, 0);
	d = tdict_new(&a);

	/* Render appends; NULL data renders without values. */
	ck_assert_int_eq(tmpl_compile(set, "t", "x{{n}}y", 7, NULL, 0), 0);
	buf_puts(&out, ">");
	ck_assert_int_eq(tmpl_render(set, "t", NULL, &out), 0);
	ck_assert_str_eq(buf_str(&out), ">xy");
	ck_assert_int_eq(tmpl_render(set, "nope", d, &out), -1);
	ck_assert_int_eq(tmpl_render(NULL, "t", d, &out), -1);
	ck_assert_str_eq(buf_str(&out), ">xy");

	/* A failed compile keeps the earlier template of that name; a good
	 * one replaces it. */
	ck_assert_int_eq(tmpl_compile(set, "t", "{{#", 3, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "t:1: un");	/* truncated, terminated */
	ck_assert_int_eq(tmpl_compile(set, "t", "{{", 2, NULL, 0), -1);
	buf_clear(&out);
	ck_assert_int_eq(tmpl_render(set, "t", d, &out), 0);
	ck_assert_str_eq(buf_str(&out), "xy");
	ck_assert_int_eq(tmpl_compile(set, "t", "new", 3, NULL, 0), 0);
	buf_clear(&out);
	ck_assert_int_eq(tmpl_render(set, "t", d, &out), 0);
	ck_assert_str_eq(buf_str(&out), "new");
	ck_assert(tmpl_exists(set, "t"));
	ck_assert(!tmpl_exists(set, "T"));
	ck_assert(!tmpl_exists(NULL, "t"));
	ck_assert_int_eq(tmpl_compile(set, "e", NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(tmpl_compile(set, NULL, "x", 1, err, sizeof(err)),
	    -1);

	/* Many templates: the name table grows. */
	{
		char name[16];
		int i;

		for (i = 0; i < 200; i++) {
			snprintf(name, sizeof(name), "n%d", i);
			ck_assert_int_eq(tmpl_compile(set, name, name,
			    strlen(name), NULL, 0), 0);
		}
		for (i = 0; i < 200; i++) {
			snprintf(name, sizeof(name), "n%d", i);
			buf_clear(&out);
			ck_assert_int_eq(tmpl_render(set, name, d, &out), 0);
			ck_assert_str_eq(buf_str(&out), name);
		}
	}

	/* The data model. */
	tdict_str(d, "s", "v");
	tdict_const(d, "c", "<b>");
	tdict_int(d, "i", 3);
	ck_assert_str_eq(tdict_get(d, "s"), "v");
	ck_assert_str_eq(tdict_get(d, "c"), "<b>");
	ck_assert_ptr_null(tdict_get(d, "i"));
	ck_assert_ptr_null(tdict_get(d, "nope"));
	ck_assert_ptr_null(tdict_get(NULL, "s"));
	tdict_str(d, "s", "w");
	ck_assert_str_eq(tdict_get(d, "s"), "w");
	l = tdict_list(d, "l");
	ck_assert_uint_eq(tlist_len(l), 0);
	tlist_add_str(l, "a");
	tlist_add(l);
	ck_assert_uint_eq(tlist_len(l), 2);
	ck_assert_uint_eq(tlist_len(NULL), 0);
	tdict_str(tdict_dict(d, "sub"), "k", "v");
	ck_assert_ptr_null(tdict_get(d, "k"));	/* not parents or children */
	{
		/* Past the first growth of a dict and a list. */
		char key[16];
		int i;

		for (i = 0; i < 40; i++) {
			snprintf(key, sizeof(key), "k%d", i);
			tdict_int(d, key, i);
			tlist_add_str(l, key);
		}
		ck_assert_uint_eq(tlist_len(l), 42);
		ck_assert_int_eq(tmpl_compile(set, "m",
		    "{{k0}}{{k39}}{{s}}{{#l}}{{.}}{{/l}}", 35, NULL, 0), 0);
		buf_clear(&out);
		ck_assert_int_eq(tmpl_render(set, "m", d, &out), 0);
		ck_assert_ptr_nonnull(strstr(buf_str(&out), "039wa"));
		ck_assert_ptr_nonnull(strstr(buf_str(&out), "k38k39"));
	}
	/* NULL tolerated where a caller could pass one by mistake. */
	ck_assert_ptr_null(tdict_new(NULL));
	tdict_str(NULL, "k", "v");
	tdict_int(d, NULL, 1);
	ck_assert_ptr_null(tdict_dict(NULL, "k"));
	ck_assert_ptr_null(tdict_list(NULL, "k"));
	ck_assert_ptr_null(tlist_add(NULL));
	tlist_add_str(NULL, "x");

	buf_free(&out);
	arena_free(&a);
	tmpl_set_free(set);
	tmpl_set_free(NULL);
}
END_TEST

/* Where the fixture folder is, from the source or the build tree. */
static const char *
fixtures_dir(void)
{
	static char path[PATH_MAX];
	static const char *const rel[] = {
		"tests/unit/tmpl_fixtures", "tmpl_fixtures",
		"unit/tmpl_fixtures",
	};
	const char *top[2];
	struct stat st;
	size_t i, j;

#ifdef TMPL_FIXTURES_DIR
	return TMPL_FIXTURES_DIR;
#endif
	top[0] = getenv("srcdir");
	top[1] = ".";
	for (i = 0; i < 2; i++) {
		if (top[i] == NULL)
			continue;
		for (j = 0; j < sizeof(rel) / sizeof(rel[0]); j++) {
			snprintf(path, sizeof(path), "%s/%s", top[i], rel[j]);
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				return path;
		}
	}
	return "tmpl_fixtures";
}

START_TEST(test_load_fixtures)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf page = BUF_INIT, out = BUF_INIT;
	struct arena a;
	struct tdict *d, *it;
	struct tlist *items;
	char err[512];

	ck_assert_msg(tmpl_set_load_dir(set, fixtures_dir(), err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert(tmpl_exists(set, "layout"));
	ck_assert(tmpl_exists(set, "page"));
	ck_assert(tmpl_exists(set, "partials/header"));
	ck_assert(!tmpl_exists(set, "page.html"));

	arena_init(&a, 0);
	d = tdict_new(&a);
	tdict_str(d, "title", "Accueil & co");
	tdict_str(tdict_dict(d, "user"), "first", "Zoé");
	items = tdict_list(d, "items");
	it = tlist_add(items);
	tdict_str(it, "label", "a<b");
	it = tlist_add(items);
	tdict_str(it, "label", "c");
	ck_assert_int_eq(tmpl_render(set, "page", d, &page), 0);
	tdict_raw_(d, "content", buf_str(&page));
	ck_assert_int_eq(tmpl_render(set, "layout", d, &out), 0);
	ck_assert_str_eq(buf_str(&out),
	    "<!DOCTYPE html>\n"
	    "<html lang=\"fr\">\n"
	    "<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<title>Accueil &amp; co – Parvis</title>\n"
	    "</head>\n"
	    "<body>\n"
	    "<header>\n"
	    "  Bonjour Zoé\n"
	    "</header>\n"
	    "<main>\n"
	    "<h1>Accueil &amp; co</h1>\n"
	    "<ul>\n"
	    "  <li>a&lt;b</li>\n"
	    "  <li>c</li>\n"
	    "</ul>\n"
	    "\n"
	    "</main>\n"
	    "</body>\n"
	    "</html>\n");

	/* Without a user nor items. */
	d = tdict_new(&a);
	tdict_str(d, "title", "Vide");
	buf_clear(&page);
	ck_assert_int_eq(tmpl_render(set, "page", d, &page), 0);
	ck_assert_str_eq(buf_str(&page),
	    "<h1>Vide</h1>\n<ul>\n</ul>\n<p>Aucun élément.</p>\n");
	buf_clear(&out);
	ck_assert_int_eq(tmpl_render(set, "partials/header", d, &out), 0);
	ck_assert_str_eq(buf_str(&out),
	    "<header>\n  <a href=\"/connexion\">Se connecter</a>\n"
	    "</header>\n");

	buf_free(&page);
	buf_free(&out);
	arena_free(&a);
	tmpl_set_free(set);
}
END_TEST

struct file {
	const char	*path;		/* ends in '/' for a folder */
	const char	*text;		/* NULL with a link: its target */
	const char	*link;
};

static const struct {
	struct file	 files[5];
	int		 rc;
	const char	*err;		/* expected in the message */
	const char	*exists;	/* a name loaded when rc is 0 */
	const char	*absent;	/* a name not loaded */
} dir_cases[] = {
	{ { { "a.html", "x\n{{>nope}}\n", NULL } }, -1,
	  "a:2: partial 'nope' not found", NULL, NULL },
	{ { { "sub/b.html", "\n\n{{#x}}\n", NULL } }, -1,
	  "sub/b:3: section 'x' is not closed", NULL, NULL },
	{ { { ".hidden.html", "{{", NULL }, { ".git/x.html", "{{", NULL },
	    { "notes.txt", "{{", NULL }, { "a.htm", "{{", NULL },
	    { "ok.html", "fine", NULL } }, 0, NULL, "ok", ".hidden" },
	{ { { "a/b.html", "{{>c/d}}", NULL }, { "c/d.html", "D", NULL } },
	  0, NULL, "a/b", "c/d.html" },
	{ { { "b.html", "{{", NULL }, { "a.html", "{{#", NULL } }, -1,
	  "a:1: unterminated tag", NULL, NULL },
	{ { { "x.html", "ok", NULL }, { "loop", NULL, "." },
	    { "l.html", NULL, "x.html" }, { "dead.html", NULL, "nowhere" } },
	  0, NULL, "l", "loop/x" },
	{ { { "empty/", NULL, NULL }, { "e.html", "", NULL } }, 0, NULL, "e",
	  "empty" },
};

static char tmpdir[512];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Creates dir/rel, with its parent folders. */
static void
make_file(const char *dir, const struct file *f)
{
	char path[PATH_MAX], *slash;
	size_t len;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, f->path);
	for (slash = path + strlen(dir) + 1; (slash = strchr(slash, '/'));
	    slash++) {
		*slash = '\0';
		ck_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
		*slash = '/';
	}
	len = strlen(path);
	if (len > 0 && path[len - 1] == '/')
		return;
	if (f->link != NULL) {
		ck_assert_int_eq(symlink(f->link, path), 0);
		return;
	}
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(f->text, 1, strlen(f->text), fp),
	    strlen(f->text));
	ck_assert_int_eq(fclose(fp), 0);
}

static void
make_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_tmpl.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

START_TEST(test_load_dir)
{
	struct tmpl_set *set = tmpl_set_new();
	char err[512];
	size_t i;
	int rc;

	make_tmpdir();
	for (i = 0; i < 5 && dir_cases[_i].files[i].path != NULL; i++)
		make_file(tmpdir, &dir_cases[_i].files[i]);
	rc = tmpl_set_load_dir(set, tmpdir, err, sizeof(err));
	rm_tree(tmpdir);
	ck_assert_msg(rc == dir_cases[_i].rc, "case %d: rc %d: %s", _i, rc,
	    err);
	if (dir_cases[_i].err != NULL)
		ck_assert_msg(strcmp(err, dir_cases[_i].err) == 0,
		    "case %d: got \"%s\"", _i, err);
	if (dir_cases[_i].exists != NULL)
		ck_assert(tmpl_exists(set, dir_cases[_i].exists));
	if (dir_cases[_i].absent != NULL)
		ck_assert(!tmpl_exists(set, dir_cases[_i].absent));
	tmpl_set_free(set);
}
END_TEST

START_TEST(test_load_dir_limits)
{
	struct tmpl_set *set = tmpl_set_new();
	char err[512], path[PATH_MAX + 16];
	struct buf deep = BUF_INIT;
	int fd, i;

	/* A file over 1 MiB. */
	make_tmpdir();
	snprintf(path, sizeof(path), "%s/big.html", tmpdir);
	ck_assert_int_ne(fd = open(path, O_WRONLY | O_CREAT, 0600), -1);
	ck_assert_int_eq(ftruncate(fd, 1024 * 1024 + 1), 0);
	close(fd);
	ck_assert_int_eq(tmpl_set_load_dir(set, tmpdir, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "big.html: larger than 1048576"));
	rm_tree(tmpdir);

	/* Folders 17 deep. */
	make_tmpdir();
	buf_puts(&deep, tmpdir);
	for (i = 0; i < 17; i++) {
		buf_puts(&deep, "/d");
		ck_assert_int_eq(mkdir(buf_str(&deep), 0700), 0);
	}
	ck_assert_int_eq(tmpl_set_load_dir(set, tmpdir, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "folders nested deeper than 16"));
	rm_tree(tmpdir);

	/* No such folder. */
	ck_assert_int_eq(tmpl_set_load_dir(set, "/nonexistent/tmpl", err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/tmpl: No such file or directory");
	ck_assert_int_eq(tmpl_set_load_dir(NULL, "/", err, sizeof(err)), -1);
	buf_free(&deep);
	tmpl_set_free(set);
}
END_TEST

static Suite *
tmpl_suite(void)
{
	Suite *s = suite_create("tmpl");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_render, 0,
	    sizeof(render_cases) / sizeof(render_cases[0]));
	tcase_add_loop_test(tc, test_error, 0,
	    sizeof(error_cases) / sizeof(error_cases[0]));
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_api);
	tcase_add_test(tc, test_load_fixtures);
	tcase_add_loop_test(tc, test_load_dir, 0,
	    sizeof(dir_cases) / sizeof(dir_cases[0]));
	tcase_add_test(tc, test_load_dir_limits);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tmpl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
