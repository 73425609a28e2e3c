// SPDX-License-Identifier: GPL-2.0-only
/*
 * serve.c — symbol service requests: LAYOUT, ADDR2SYM, SYM2ADDR.
 * Requests are copied out of the ring and size-checked before use.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktstr/json.h"
#include "symsvc.h"

static uint32_t answer_layout(struct symsvc *svc, const struct ktstr_ctl_req *rq, void *rep,
			      int32_t status)
{
	struct {
		struct ktstr_ctl_rep r;
		struct ktstr_klayout kl;
	} *out = rep;

	out->r = (struct ktstr_ctl_rep){ .req_id = rq->req_id, .status = status,
					 .req_type = KTSTR_SYM_MSG_LAYOUT };
	out->kl = svc->kl;
	return sizeof(*out);
}

static uint32_t answer_addr(struct symsvc *svc, const struct ktstr_sym_addr_req *rq, void *rep,
			    int32_t status)
{
	struct ktstr_sym_addr_rep *out = rep;
	const char *name = NULL;

	memset(out, 0, sizeof(*out));
	out->req_id = rq->req_id;
	out->req_type = KTSTR_SYM_MSG_ADDR2SYM;
	if (!status)
		name = ktstr_symtab_addr2sym(&svc->st, rq->addr, 0, &out->offset);
	out->status = status ? status : name ? 0 : -ENOENT;
	if (name)
		snprintf(out->name, sizeof(out->name), "%s", name);
	return sizeof(*out);
}

static uint32_t answer_name(struct symsvc *svc, const struct ktstr_sym_name_req *rq, void *rep,
			    int32_t status)
{
	struct ktstr_sym_name_rep *out = rep;
	char name[KTSTR_SYM_NAME_MAX];

	memset(out, 0, sizeof(*out));
	out->req_id = rq->req_id;
	out->req_type = KTSTR_SYM_MSG_SYM2ADDR;
	memcpy(name, rq->name, sizeof(name));
	name[sizeof(name) - 1] = '\0';	/* peer data: terminate it ourselves */
	out->status = status ? status : ktstr_symtab_lookup(&svc->st, name, &out->value) ? 0 : -ENOENT;
	return sizeof(*out);
}

uint32_t symsvc_answer(struct symsvc *svc, uint32_t type, const void *req, uint32_t len,
		       void *rep, uint32_t cap, uint64_t now_ns)
{
	union {
		struct ktstr_ctl_req r;
		struct ktstr_sym_addr_req a;
		struct ktstr_sym_name_req n;
	} rq;
	uint32_t want = type == KTSTR_SYM_MSG_LAYOUT ? sizeof(struct ktstr_ctl_req) :
			type == KTSTR_SYM_MSG_ADDR2SYM ? sizeof(struct ktstr_sym_addr_req) :
			type == KTSTR_SYM_MSG_SYM2ADDR ? sizeof(struct ktstr_sym_name_req) : 0;
	int32_t status;

	if (!want || len != want || cap < sizeof(struct ktstr_ctl_rep) + sizeof(struct ktstr_klayout))
		return 0;
	memcpy(&rq, req, want);
	if (rq.r.req_id == 0)
		return 0;
	status = rq.r.deadline_ns && now_ns > rq.r.deadline_ns ? -ETIMEDOUT : 0;
	if (type == KTSTR_SYM_MSG_LAYOUT)
		return answer_layout(svc, &rq.r, rep, status);
	if (type == KTSTR_SYM_MSG_ADDR2SYM)
		return answer_addr(svc, &rq.a, rep, status);
	return answer_name(svc, &rq.n, rep, status);
}

char *symsvc_layout_json(const struct ktstr_klayout *kl, const char *vmlinux)
{
	struct ktstr_json j;
	char hex[24];

	ktstr_json_init(&j, 2);
	ktstr_json_obj_begin(&j);
	ktstr_json_kv_str(&j, "vmlinux", vmlinux);
	ktstr_json_kv_u64(&j, "version", kl->version);
	ktstr_json_kv_u64(&j, "nr_cpus_max", kl->nr_cpus_max);
	ktstr_json_kv_u64(&j, "rq_size", kl->rq_size);
	ktstr_json_key(&j, "symbols");
	ktstr_json_obj_begin(&j);
	for (unsigned i = 0; i < KTSTR_KSYM_NR; i++) {
		ktstr_json_key(&j, ktstr_ksym_name(i));
		if (!ktstr_klayout_has_sym(kl, i)) {
			ktstr_json_null(&j);
			continue;
		}
		snprintf(hex, sizeof(hex), "0x%" PRIx64, kl->sym[i]);
		ktstr_json_str(&j, hex);
	}
	ktstr_json_obj_end(&j);
	ktstr_json_key(&j, "offsets");
	ktstr_json_obj_begin(&j);
	for (unsigned i = 0; i < KTSTR_KOFF_NR; i++) {
		ktstr_json_key(&j, ktstr_koff_path(i));
		if (!ktstr_klayout_has_off(kl, i)) {
			ktstr_json_null(&j);
			continue;
		}
		ktstr_json_obj_begin(&j);
		ktstr_json_kv_u64(&j, "offset", kl->off[i]);
		ktstr_json_kv_u64(&j, "size", kl->off_size[i]);
		ktstr_json_obj_end(&j);
	}
	ktstr_json_obj_end(&j);
	ktstr_json_obj_end(&j);
	return ktstr_json_take(&j);
}
