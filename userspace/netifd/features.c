// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "features.h"
#include "log.h"

struct feature_desc {
	const char *name;
	const char *since;
	const char *probe;
};

static const struct feature_desc descs[NETIF_FEAT__MAX] = {
#define NETIF_FEATURE_DESC(id, n, s, w) [NETIF_FEAT_##id] = { .name = n, .since = s, .probe = w },
	NETIF_FEATURES_LIST(NETIF_FEATURE_DESC)
#undef NETIF_FEATURE_DESC
};

#define REINJECT_PARTS (NETIF_FEAT_BIT(USER_RINGBUF) | NETIF_FEAT_BIT(DYNPTR) | \
			NETIF_FEAT_BIT(XDP_BYTES) | NETIF_FEAT_BIT(LIVE_FRAMES))

static struct {
	bool probed;
	int probe_err; /* the probe program could not load: nothing is known */
	uint64_t found;
	uint64_t disabled;
	char kernel[65];
} g;

static bool helper_ok(enum bpf_func_id id)
{
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, id, NULL) == 1;
}

/*
 * Program flags have no libbpf probe: run a program that drops its frame
 * with the flag. Kernels before 5.18 do not look at the flags of an XDP
 * run at all (5.10 runs it, ignoring them), so the run must succeed with
 * the flag and fail (EINVAL) with a bit no kernel defines: only then was
 * the flag understood.
 */
static bool live_frames_ok(void)
{
	const struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	uint8_t frame[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = sizeof(frame),
		    .repeat = 1, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	int fd, err;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "netif_probe", "GPL", prog, 2, NULL);
	if (fd < 0) {
		g.probe_err = errno;
		pr_debug("features: cannot load the probe program: %s", strerror(errno));
		return false;
	}
	err = bpf_prog_test_run_opts(fd, &o);
	if (err) {
		pr_debug("features: live-frames run: %s", strerror(errno));
	} else {
		o.flags = BPF_F_TEST_XDP_LIVE_FRAMES | (1U << 31);
		if (bpf_prog_test_run_opts(fd, &o) == 0 || errno != EINVAL) {
			pr_debug("features: this kernel ignores BPF_PROG_RUN flags for XDP");
			err = -1;
		}
	}
	close(fd);
	return err == 0;
}

/* A kfunc is a FUNC in vmlinux BTF (libbpf resolves it from there too). */
static bool kfunc_ok(const char *name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool ok;

	if (!btf) {
		pr_debug("features: no vmlinux BTF: %s", strerror(errno));
		return false;
	}
	ok = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return ok;
}

void features_probe(void)
{
	struct utsname u;

	if (g.probed)
		return;
	g.probed = true;
	if (uname(&u) == 0)
		snprintf(g.kernel, sizeof(g.kernel), "%s", u.release);
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_USER_RINGBUF, NULL) == 1 &&
	    helper_ok(BPF_FUNC_user_ringbuf_drain))
		g.found |= NETIF_FEAT_BIT(USER_RINGBUF);
	if (helper_ok(BPF_FUNC_dynptr_read))
		g.found |= NETIF_FEAT_BIT(DYNPTR);
	if (helper_ok(BPF_FUNC_xdp_get_buff_len) && helper_ok(BPF_FUNC_xdp_store_bytes))
		g.found |= NETIF_FEAT_BIT(XDP_BYTES);
	if (live_frames_ok())
		g.found |= NETIF_FEAT_BIT(LIVE_FRAMES);
	if ((g.found & REINJECT_PARTS) == REINJECT_PARTS)
		g.found |= NETIF_FEAT_BIT(REINJECT);
	if (kfunc_ok("bpf_cast_to_kern_ctx"))
		g.found |= NETIF_FEAT_BIT(KERN_CTX);
}

uint64_t features_mask(void)
{
	uint64_t m;

	features_probe();
	m = g.found & ~g.disabled;
	/* re-injection is its parts: without any of them it is off too */
	if ((m & REINJECT_PARTS) != REINJECT_PARTS)
		m &= ~NETIF_FEAT_BIT(REINJECT);
	return m;
}

bool features_has(enum netif_feature f)
{
	return f < NETIF_FEAT__MAX && (features_mask() & (1ULL << f));
}

int features_disable(const char *name)
{
	int i;

	for (i = 0; i < NETIF_FEAT__MAX; i++)
		if (strcmp(name, descs[i].name) == 0) {
			g.disabled |= 1ULL << i;
			return 0;
		}
	return -EINVAL;
}

const char *features_kernel(void)
{
	features_probe();
	return g.kernel[0] ? g.kernel : "unknown";
}

const char *feature_name(enum netif_feature f)
{
	return f < NETIF_FEAT__MAX ? descs[f].name : "?";
}

const char *feature_since(enum netif_feature f)
{
	return f < NETIF_FEAT__MAX ? descs[f].since : "?";
}

/* "a, b, c" of the features in mask that are missing, with their releases. */
static void missing_list(uint64_t mask, char *buf, size_t len)
{
	uint64_t have = features_mask();
	size_t off = 0;
	int i, n;

	buf[0] = '\0';
	for (i = 0; i < NETIF_FEAT__MAX; i++) {
		if (!(mask & (1ULL << i)) || (have & (1ULL << i)))
			continue;
		n = snprintf(buf + off, len - off, "%s%s (%s)", off ? ", " : "", descs[i].name,
			     descs[i].since);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += n;
	}
}

int features_require(enum netif_feature f, const char *what, struct netif_extack *ext)
{
	const char *need = f == NETIF_FEAT_REINJECT ? "re-injection into the host stack" : descs[f].name;
	uint64_t parts = f == NETIF_FEAT_REINJECT ? REINJECT_PARTS : 1ULL << f;
	char missing[256];

	if (features_has(f))
		return 0;
	features_probe();
	if ((g.found & parts) == parts)
		netif_extack_set(ext, "%s needs %s (Linux %s or newer), switched off on this netifd "
				      "(--no-feature)", what, need, descs[f].since);
	else {
		missing_list(parts, missing, sizeof(missing));
		netif_extack_set(ext, "%s needs %s (Linux %s or newer); kernel %s lacks %s", what, need,
				 descs[f].since, features_kernel(), missing);
	}
	return -EOPNOTSUPP;
}

/* Is release (e.g. "5.10.0-46-amd64") older than want ("5.10")? */
static bool release_older(const char *release, const char *want)
{
	unsigned int a = 0, b = 0, x = 0, y = 0;

	if (sscanf(release, "%u.%u", &a, &b) != 2 || sscanf(want, "%u.%u", &x, &y) != 2)
		return false;
	return a < x || (a == x && b < y);
}

void features_log(void)
{
	uint64_t have = features_mask();
	char on[256] = "", off[256] = "";
	size_t lo = 0, lf = 0;
	int i;

	for (i = 0; i < NETIF_FEAT__MAX; i++) {
		if (have & (1ULL << i))
			lo += snprintf(on + lo, lo < sizeof(on) ? sizeof(on) - lo : 0, " %s",
				       descs[i].name);
		else
			lf += snprintf(off + lf, lf < sizeof(off) ? sizeof(off) - lf : 0, " %s",
				       descs[i].name);
	}
	if (g.probe_err)
		pr_warn("kernel %s: cannot probe features (%s)", features_kernel(), strerror(g.probe_err));
	pr_info("kernel %s: features:%s%s%s", features_kernel(), lo ? on : " none",
		lf ? "; missing:" : "", lf ? off : "");
	if (release_older(features_kernel(), NETIF_KERNEL_MIN))
		pr_warn("kernel %s is older than Linux %s, the oldest netif supports", features_kernel(),
			NETIF_KERNEL_MIN);
	if (!(have & NETIF_FEAT_BIT(REINJECT)))
		pr_warn("kernel %s: no re-injection into the host stack (needs Linux %s): filters, "
			"ingress exception flows and default-action exception are refused",
			features_kernel(), descs[NETIF_FEAT_REINJECT].since);
}

void features_print(FILE *out)
{
	uint64_t have = features_mask();
	int i;

	fprintf(out, "kernel %s\n", features_kernel());
	if (g.probe_err)
		fprintf(out, "(cannot load BPF programs: %s; run as root)\n", strerror(g.probe_err));
	for (i = 0; i < NETIF_FEAT__MAX; i++) {
		const char *state = (have & (1ULL << i)) ? "yes" : (g.found & (1ULL << i)) ? "off" : "no";

		fprintf(out, "%-16s %-4s Linux %-5s %s\n", descs[i].name, state, descs[i].since,
			descs[i].probe);
	}
}
