// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c — ktstr-vmm: boot one VM for one ktstr run and report how it ended.
 *
 * Parses the command line (bad arguments: a message and exit 2), checks
 * the kernel and initrd, picks the backend, creates guest RAM with the
 * shared rings and the control segment, starts the VM, runs the event
 * loop until the VM is gone, writes vmm.status and cleans up on every
 * path (shm files, QMP socket, the VM process).  docs/man/ktstr-vmm.1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

#define DEFAULT_MEMORY_MB	512u
#define DEFAULT_MAX_FROZEN_MS	10000u

static const char usage_text[] =
	"usage: ktstr-vmm --run-dir DIR --kernel VMLINUX --initrd FILE [options]\n"
	"\n"
	"Boot one VM for a ktstr run; the outcome goes to DIR/vmm.status and the exit code.\n"
	"\n"
	"  --run-dir DIR        run directory (created 0700 if missing)\n"
	"  --kernel FILE        x86_64 vmlinux with a PVH note, or a bzImage\n"
	"  --initrd FILE        initramfs (cpio, optionally compressed)\n"
	"  --topology T         NnLlCcTt, e.g. 1n2l2c1t (default 1n1l2c1t)\n"
	"  --memory-mb N        guest RAM, %u..%u (default %u)\n"
	"  --backend B          auto|qemu|kvm (default auto; kvm is not built yet)\n"
	"  --deadline-ms N      stop the VM after N ms (status timeout); 0 = none (default)\n"
	"  --mode M             run|shell (KTSTR_MODE for the guest; default run)\n"
	"  --append ARGS        extra kernel arguments (after ours, so they win)\n"
	"  --console-stdio      COM1 on this terminal instead of DIR/console.log\n"
	"  --run-id ID          run id (default: the run directory's name)\n"
	"  --max-frozen-ms N    thaw a freeze older than N ms without a live coordinator\n"
	"                       (default %u)\n"
	"  --qemu PATH          QEMU binary (default $KTSTR_QEMU or qemu-system-x86_64)\n"
	"  -h, --help           this text\n"
	"\n"
	"Exit: 0 guest powered off after EXIT, 2 usage, 3 deadline, 4 QEMU failed,\n"
	"5 guest ended without EXIT (panic or init crash), 128+N signal N.\n";

static void vmm_usage(FILE *f)
{
	fprintf(f, usage_text, VMM_MEM_MIN_MB, VMM_MEM_MAX_MB, DEFAULT_MEMORY_MB,
		DEFAULT_MAX_FROZEN_MS);
}

void vmm_log(const struct vmm_run *r, const char *level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_log_emit(r->cfg.run_id, level, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2), noreturn))
static void usage_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ktstr-vmm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(ktstr-vmm --help for usage)\n");
	exit(VMM_EXIT_USAGE);
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-')
		usage_err("%s: '%s' is not a number", opt, s ? s : "");
	v = strtoull(s, &end, 10);
	if (errno || *end)
		usage_err("%s: '%s' is not a number", opt, s);
	if (v < min || v > max)
		usage_err("%s: %llu is out of range %llu..%llu", opt, v, (unsigned long long)min,
			  (unsigned long long)max);
	return v;
}

static uint64_t check_readable(const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		usage_err("%s %s: %s", what, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		usage_err("%s %s: not a regular file", what, path);
	if (st.st_size == 0)
		usage_err("%s %s: empty file", what, path);
	if (access(path, R_OK) < 0)
		usage_err("%s %s: %s", what, path, strerror(errno));
	return (uint64_t)st.st_size;
}

static void default_run_id(struct vmm_config *c)
{
	const char *base = strrchr(c->run_dir, '/');

	base = base ? base + 1 : c->run_dir;
	if (*base && strlen(base) < KTSTR_RUN_ID_MAX && ktstr_ctl_run_id_valid(base) == 0)
		memcpy(c->run_id, base, strlen(base) + 1);
	else
		snprintf(c->run_id, sizeof(c->run_id), "vmm-%d", (int)getpid());
}

static void parse_args(int argc, char **argv, struct vmm_config *c)
{
	enum { OPT_RUNDIR = 256, OPT_KERNEL, OPT_INITRD, OPT_TOPO, OPT_MEM, OPT_BACKEND, OPT_DEADLINE, OPT_MODE,
	       OPT_APPEND, OPT_STDIO, OPT_RUNID, OPT_FROZEN, OPT_QEMU };
	static const struct option opts[] = {
		{ "run-dir", required_argument, NULL, OPT_RUNDIR },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "topology", required_argument, NULL, OPT_TOPO },
		{ "memory-mb", required_argument, NULL, OPT_MEM },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "deadline-ms", required_argument, NULL, OPT_DEADLINE },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "console-stdio", no_argument, NULL, OPT_STDIO },
		{ "run-id", required_argument, NULL, OPT_RUNID },
		{ "max-frozen-ms", required_argument, NULL, OPT_FROZEN },
		{ "qemu", required_argument, NULL, OPT_QEMU },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *topo = "1n1l2c1t";
	char err[VMM_ERRLEN];
	int o;

	c->memory_mb = DEFAULT_MEMORY_MB;
	c->max_frozen_ms = DEFAULT_MAX_FROZEN_MS;
	c->qemu = getenv("KTSTR_QEMU") && *getenv("KTSTR_QEMU") ? getenv("KTSTR_QEMU")
								   : "qemu-system-x86_64";
	opterr = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case OPT_RUNDIR: c->run_dir = optarg; break;
		case OPT_KERNEL: c->kernel = optarg; break;
		case OPT_INITRD: c->initrd = optarg; break;
		case OPT_TOPO: topo = optarg; break;
		case OPT_MEM:
			c->memory_mb = parse_u64("--memory-mb", optarg, VMM_MEM_MIN_MB, VMM_MEM_MAX_MB);
			break;
		case OPT_BACKEND:
			if (!strcmp(optarg, "auto"))
				c->backend = VMM_BACKEND_AUTO;
			else if (!strcmp(optarg, "qemu"))
				c->backend = VMM_BACKEND_QEMU;
			else if (!strcmp(optarg, "kvm"))
				c->backend = VMM_BACKEND_KVM;
			else
				usage_err("--backend: '%s' is not auto, qemu or kvm", optarg);
			break;
		case OPT_DEADLINE:
			c->deadline_ms = parse_u64("--deadline-ms", optarg, 0, 7ull * 24 * 3600 * 1000);
			break;
		case OPT_MODE:
			if (!strcmp(optarg, "run"))
				c->mode = VMM_MODE_RUN;
			else if (!strcmp(optarg, "shell"))
				c->mode = VMM_MODE_SHELL;
			else
				usage_err("--mode: '%s' is not run or shell", optarg);
			break;
		case OPT_APPEND: c->append = optarg; break;
		case OPT_STDIO: c->console_stdio = true; break;
		case OPT_RUNID:
			if (strlen(optarg) >= KTSTR_RUN_ID_MAX || ktstr_ctl_run_id_valid(optarg))
				usage_err("--run-id: '%s' is not 1..%u characters of [A-Za-z0-9._-]",
					  optarg, KTSTR_RUN_ID_MAX - 1);
			snprintf(c->run_id, sizeof(c->run_id), "%s", optarg);
			break;
		case OPT_FROZEN:
			c->max_frozen_ms = (uint32_t)parse_u64("--max-frozen-ms", optarg, 1, 3600000);
			break;
		case OPT_QEMU: c->qemu = optarg; break;
		case 'h':
			vmm_usage(stdout);
			exit(0);
		case ':':
			usage_err("%s needs an argument", argv[optind - 1]);
		default:
			usage_err("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_err("unexpected argument '%s'", argv[optind]);
	if (!c->run_dir || !c->kernel || !c->initrd)
		usage_err("--run-dir, --kernel and --initrd are required");
	if (vmm_topo_parse(topo, &c->topo, err, sizeof(err)) < 0)
		usage_err("--topology: %s", err);
	if (c->topo.numa_nodes > 1 && c->memory_mb / c->topo.numa_nodes < 128)
		usage_err("--memory-mb: %llu MiB over %u nodes leaves < 128 MiB per node",
			  (unsigned long long)c->memory_mb, c->topo.numa_nodes);
	if (!c->run_id[0])
		default_run_id(c);
}

static void check_inputs(struct vmm_config *c)
{
	char err[VMM_ERRLEN];

	if (vmm_kernel_check(c->kernel, &c->kernel_kind, err, sizeof(err)) < 0)
		usage_err("--kernel: %s", err);
	c->initrd_size = check_readable("--initrd", c->initrd);
	if (mkdir(c->run_dir, 0700) < 0 && errno != EEXIST)
		usage_err("--run-dir %s: %s", c->run_dir, strerror(errno));
	if (access(c->run_dir, W_OK | X_OK) < 0)
		usage_err("--run-dir %s: %s", c->run_dir, strerror(errno));
}

/* Backend choice; prints "backend: NAME (reason)" on stderr. */
static void choose_backend(struct vmm_run *r)
{
	struct vmm_kvm_probe p;

	if (r->cfg.backend == VMM_BACKEND_KVM)
		usage_err("--backend kvm: the kvm backend is not built yet (a later issue); "
			  "use --backend qemu or auto");
	vmm_kvm_probe(&p, NULL);
	r->be = &vmm_backend_qemu;
	r->accel_kvm = p.native_like;
	fprintf(stderr, "backend: qemu (%s%s), accel %s\n", p.reason,
		p.native_like && r->cfg.backend == VMM_BACKEND_AUTO ?
			"; kvm backend not built yet, QEMU uses KVM" : "",
		r->accel_kvm ? "kvm" : "tcg");
}

static int setup_signals(struct vmm_run *r)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	r->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return r->sig_fd < 0 ? -errno : 0;
}

/* Everything before the VM starts; a failure is qemu_failed (exit 4). */
static int prepare(struct vmm_run *r)
{
	struct vmm_cmdline_in ci = { .topo = &r->cfg.topo, .shell = r->cfg.mode == VMM_MODE_SHELL,
				     .bzimage = r->cfg.kernel_kind == VMM_KERNEL_BZIMAGE,
				     .append = r->cfg.append };
	char *err = r->fail_reason;
	size_t errlen = sizeof(r->fail_reason);
	int ret;

	ci.tsc_khz = vmm_tsc_khz(err, errlen);
	if (ci.tsc_khz < 0)
		vmm_log(r, "warn", "%s; booting without tsc_early_khz", err);
	err[0] = '\0';
	ret = vmm_ram_create(&r->ram, r->cfg.run_id, r->cfg.memory_mb, r->cfg.topo.numa_nodes,
			     KTSTR_SHM_DEFAULT_SIZE, r->cfg.initrd_size, err, errlen);
	if (!ret)
		ret = vmm_ram_write_info(&r->ram, r->cfg.run_dir, err, errlen);
	if (!ret)
		ret = vmm_drain_open(r, err, errlen);
	if (!ret)
		ret = vmm_ctl_setup(r, err, errlen);
	ci.shm_base = r->ram.shm_base;
	ci.shm_size = r->ram.shm_size;
	if (!ret)
		ret = vmm_cmdline_build(&ci, r->cmdline, sizeof(r->cmdline), err, errlen);
	if (!ret)
		vmm_log(r, "info", "kernel command line: %s", r->cmdline);
	return ret;
}

static void cleanup(struct vmm_run *r)
{
	if (r->be && r->be->cleanup)
		r->be->cleanup(r);
	vmm_ctl_teardown(r);
	vmm_drain_close(r);
	vmm_ram_destroy(&r->ram);
	if (r->sig_fd >= 0)
		close(r->sig_fd);
	r->sig_fd = -1;
}

int main(int argc, char **argv)
{
	static struct vmm_run run;	/* large (cmdline, counters): not on the stack */
	struct vmm_run *r = &run;
	int code;

	r->frames_fd = r->sig_fd = -1;
	parse_args(argc, argv, &r->cfg);
	check_inputs(&r->cfg);
	choose_backend(r);
	r->start_ns = vmm_now_ns();
	if (setup_signals(r) < 0 || prepare(r) < 0) {
		vmm_log(r, "error", "%s", r->fail_reason[0] ? r->fail_reason : strerror(errno));
		r->outcome = VMM_OUT_QEMU_FAILED;
	} else if (r->be->start(r, r->fail_reason, sizeof(r->fail_reason)) < 0) {
		vmm_log(r, "error", "VM did not start: %s", r->fail_reason);
		if (r->be->relay_log)
			r->be->relay_log(r, true);
		r->outcome = VMM_OUT_QEMU_FAILED;
	} else {
		if (r->ctl_ok) {
			ktstr_ctl_set_vm_state(&r->ctl, KTSTR_VM_RUNNING);
			ktstr_ctl_set_state(&r->ctl, KTSTR_COMP_VMM, KTSTR_STATE_READY);
		}
		if (vmm_loop_run(r) < 0 && r->outcome == VMM_OUT_NONE && !r->reaped) {
			vmm_log(r, "error", "%s", r->fail_reason);
			r->outcome = VMM_OUT_QEMU_FAILED;
		}
	}
	vmm_status_classify(r);
	vmm_ctl_vm_exit(r);
	code = vmm_status_exit_code(r);
	vmm_log(r, r->outcome == VMM_OUT_POWERED_OFF ? "info" : "warn",
		"VM ended: %s (exit %d%s%s), %llu frames, %llu invalid", vmm_outcome_name(r->outcome),
		code, r->fail_reason[0] ? ", " : "", r->fail_reason,
		(unsigned long long)r->frames, (unsigned long long)r->invalid_frames);
	for (unsigned i = 0; i < VMM_FRAME_TYPES; i++)
		if (r->type_count[i])
			vmm_log(r, "info", "frames %s: %llu", vmm_frame_type_name(i),
				(unsigned long long)r->type_count[i]);
	if (vmm_status_write(r) < 0)
		vmm_log(r, "error", "cannot write %s/vmm.status", r->cfg.run_dir);
	cleanup(r);
	return code;
}
