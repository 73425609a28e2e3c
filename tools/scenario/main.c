// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktstr-scenario — list the scenario catalog, check scenario files, show
 * a scenario normalized with its resolved cpusets, map a catalog name to
 * its file.  Exit status: 0 ok, 1 usage or system error, 2 invalid
 * scenario.
 */
#include "scenario_cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_INVALID 2

static const char usage[] =
	"usage: ktstr-scenario list [--dir DIR]\n"
	"       ktstr-scenario check [OVERRIDES] FILE...\n"
	"       ktstr-scenario show [OVERRIDES] FILE|NAME\n"
	"       ktstr-scenario path [--dir DIR] NAME\n"
	"\n"
	"Scenario files (.ktstr) describe the cgroups, workers, cpusets and timed\n"
	"steps a ktstr test runs inside its VM, and the checks that judge it.\n"
	"\n"
	"  list    catalog scenarios with their descriptions\n"
	"  check   parse and validate; errors as FILE:LINE: message\n"
	"  show    normalized scenario with resolved cpusets (itself a valid file)\n"
	"  path    catalog NAME -> file path\n"
	"\n"
	"OVERRIDES (as the test command line would apply them):\n"
	"  -t, --topology NnLlCcTt   e.g. 1n2l2c1t\n"
	"  -d, --duration DUR        e.g. 2s, 500ms\n"
	"  -w, --workers N           default workers per cgroup\n"
	"      --dir DIR             catalog directory (show/path/list accept names)\n"
	"\n"
	"The catalog is --dir, else $KTSTR_SCENARIO_DIR, else scenarios/ of the\n"
	"source tree next to the binary, else PREFIX/share/ktstr/scenarios.\n"
	"Exit: 0 ok, 1 usage/system error, 2 invalid scenario.\n";

struct cli_opts {
	const char *dir;
	struct ktstr_topology topo;
	bool topo_set;
	uint32_t duration_ms, workers;
};

static int parse_opts(int argc, char **argv, struct cli_opts *o)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "topology", required_argument, NULL, 't' },
		{ "duration", required_argument, NULL, 'd' },
		{ "workers", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ktstr_diag d;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "t:d:w:h", lo, NULL)) != -1) {
		switch (c) {
		case 'D':
			o->dir = optarg;
			break;
		case 't':
			if (ktstr_topology_parse(optarg, &o->topo, &d)) {
				fprintf(stderr, "ktstr-scenario: --topology: %s\n", d.msg);
				return -1;
			}
			o->topo_set = true;
			break;
		case 'd':
			if (ktstr_duration_parse_ms(optarg, &o->duration_ms, &d)) {
				fprintf(stderr, "ktstr-scenario: --duration: %s\n", d.msg);
				return -1;
			}
			break;
		case 'w':
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || *end || !v || v > KTSTR_SC_MAX_WORKERS || optarg[0] == '-') {
				fprintf(stderr, "ktstr-scenario: --workers: '%s' is not 1-%u\n", optarg,
					KTSTR_SC_MAX_WORKERS);
				return -1;
			}
			o->workers = (uint32_t)v;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	return 0;
}

/* A NAME without '/' and without ".ktstr" is looked up in the catalog. */
static int resolve_arg(const struct cli_opts *o, const char *arg, char *path, size_t len)
{
	char dir[PATH_MAX], why[256];
	size_t n = strlen(arg);

	if (strchr(arg, '/') || (n > 6 && !strcmp(arg + n - 6, ".ktstr")) || !access(arg, F_OK)) {
		snprintf(path, len, "%s", arg);
		return 0;
	}
	if (cli_catalog_dir(o->dir, dir, sizeof(dir), why, sizeof(why))) {
		fprintf(stderr, "ktstr-scenario: %s\n", why);
		return -1;
	}
	if ((size_t)snprintf(path, len, "%s/%s.ktstr", dir, arg) >= len || access(path, R_OK)) {
		fprintf(stderr, "ktstr-scenario: no scenario '%s' in %s (see ktstr-scenario list)\n", arg, dir);
		return -1;
	}
	return 0;
}

static int load(const struct cli_opts *o, const char *path, struct ktstr_scenario *sc)
{
	struct ktstr_diag d;

	if (ktstr_scenario_parse_file(path, sc, &d) ||
	    ktstr_scenario_apply_overrides(sc, o->topo_set ? &o->topo : NULL, o->duration_ms,
					   o->workers, &d)) {
		fprintf(stderr, "%s\n", d.msg);
		return -1;
	}
	return 0;
}

static int cmd_check(const struct cli_opts *o, int argc, char **argv, struct ktstr_scenario *sc)
{
	int bad = 0;

	if (!argc) {
		fputs("ktstr-scenario check: no FILE given\n", stderr);
		return 1;
	}
	for (int i = 0; i < argc; i++)
		bad |= load(o, argv[i], sc) != 0;
	return bad ? EXIT_INVALID : 0;
}

static int cmd_show(const struct cli_opts *o, int argc, char **argv, struct ktstr_scenario *sc)
{
	char path[PATH_MAX];

	if (argc != 1) {
		fputs("ktstr-scenario show: expected one FILE or NAME\n", stderr);
		return 1;
	}
	if (resolve_arg(o, argv[0], path, sizeof(path)))
		return 1;
	if (load(o, path, sc))
		return EXIT_INVALID;
	cli_dump(stdout, sc);
	return 0;
}

static int cmd_path(const struct cli_opts *o, int argc, char **argv)
{
	char path[PATH_MAX];

	if (argc != 1) {
		fputs("ktstr-scenario path: expected one NAME\n", stderr);
		return 1;
	}
	if (resolve_arg(o, argv[0], path, sizeof(path)))
		return 1;
	puts(path);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_list(const struct cli_opts *o, struct ktstr_scenario *sc)
{
	char dir[PATH_MAX], why[256], path[PATH_MAX + 256], *names[512];
	struct dirent *de;
	size_t n = 0, width = 8;
	int rc = 0;
	DIR *dp;

	if (cli_catalog_dir(o->dir, dir, sizeof(dir), why, sizeof(why))) {
		fprintf(stderr, "ktstr-scenario: %s\n", why);
		return 1;
	}
	dp = opendir(dir);
	if (!dp) {
		fprintf(stderr, "ktstr-scenario: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(dp)) && n < 512) {
		size_t l = strlen(de->d_name);

		if (l > 6 && !strcmp(de->d_name + l - 6, ".ktstr") && de->d_name[0] != '.')
			names[n++] = strndup(de->d_name, l - 6);
		if (n && !names[n - 1])
			n--;
		if (l - 6 > width && l > 6)
			width = l - 6;
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (size_t i = 0; i < n; i++) {
		struct ktstr_diag d;

		snprintf(path, sizeof(path), "%s/%s.ktstr", dir, names[i]);
		if (ktstr_scenario_parse_file(path, sc, &d)) {
			printf("%-*s  (invalid: %s)\n", (int)width, names[i], d.msg);
			rc = EXIT_INVALID;
		} else {
			printf("%-*s  %s\n", (int)width, names[i], sc->description);
		}
		free(names[i]);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct cli_opts o = { 0 };
	struct ktstr_scenario *sc;
	const char *cmd;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 1 : 0;
	}
	cmd = argv[1];
	argc--;
	argv++;
	if (parse_opts(argc, argv, &o))
		return 1;
	sc = malloc(sizeof(*sc));
	if (!sc)
		return 1;
	argc -= optind;
	argv += optind;
	if (!strcmp(cmd, "list"))
		rc = argc ? (fputs("ktstr-scenario list: takes no FILE\n", stderr), 1) : cmd_list(&o, sc);
	else if (!strcmp(cmd, "check"))
		rc = cmd_check(&o, argc, argv, sc);
	else if (!strcmp(cmd, "show"))
		rc = cmd_show(&o, argc, argv, sc);
	else if (!strcmp(cmd, "path"))
		rc = cmd_path(&o, argc, argv);
	else {
		fprintf(stderr, "ktstr-scenario: unknown command '%s'\n%s", cmd, usage);
		rc = 1;
	}
	free(sc);
	return rc;
}
