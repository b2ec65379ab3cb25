/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ew_bpf.h - loading a test's BPF skeleton or SKIPping with the reason.
 *
 *   struct test_x_bpf *skel = EW_BPF_LOAD(test_x_bpf, { skel->rodata->knob = 1; });
 */
#ifndef EXITWATCH_EW_BPF_H
#define EXITWATCH_EW_BPF_H

#include <bpf/libbpf.h>
#include <bpf/bpf.h>

static int ew_bpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("KTAP_VERBOSE"))
		return vfprintf(stdout, fmt, ap);
	return 0;
}

static inline void ew_bpf_check(void)
{
	libbpf_set_print(ew_bpf_print);
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP("kernel has no BTF (/sys/kernel/btf/vmlinux): tp_btf programs cannot load");
}

/* open, set knobs (a statement using "skel"), load and attach; SKIP on failure */
#define EW_BPF_LOAD(name, knobs) ({						\
	struct name *skel;							\
	int __err;								\
	ew_bpf_check();								\
	skel = name##__open();							\
	if (!skel)								\
		SKIP("cannot open BPF object %s: %s", #name, strerror(errno));	\
	knobs;									\
	__err = name##__load(skel);						\
	if (__err) {								\
		name##__destroy(skel);						\
		SKIP("cannot load BPF programs of %s (%s): not root, or no BPF", \
		     #name, strerror(-__err));					\
	}									\
	__err = name##__attach(skel);						\
	if (__err) {								\
		name##__destroy(skel);						\
		SKIP("cannot attach tp_btf programs of %s: %s", #name,		\
		     strerror(-__err));						\
	}									\
	skel;									\
})

#endif /* EXITWATCH_EW_BPF_H */
