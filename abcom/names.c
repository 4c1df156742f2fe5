// SPDX-License-Identifier: GPL-2.0
/* Printable names for classes, reasons and errors. */
#include "abcom.h"

const char *abcom_class_name(enum abcom_class cls)
{
	static const char *const names[ABCOM_NCLASSES] = {
		[ABCOM_ADJ_MOV_EAX] = "adj_mov_eax",
		[ABCOM_ADJ_MOV_RAX] = "adj_mov_rax",
		[ABCOM_EARLIER_IMM] = "earlier_imm",
		[ABCOM_GO_STACK] = "go_stack",
		[ABCOM_REG_NUMBER] = "reg_number",
		[ABCOM_OTHER] = "other",
	};

	return (unsigned)cls < ABCOM_NCLASSES ? names[cls] : "?";
}

const char *abcom_reason_text(enum abcom_reason reason)
{
	static const char *const text[ABCOM_NREASONS] = {
		[ABCOM_R_NONE] = "patchable",
		[ABCOM_R_NUMBER_UNKNOWN] = "number not from an immediate",
		[ABCOM_R_BRANCH_TARGET] = "branch target inside the patch",
		[ABCOM_R_DECODE_CONFLICT] = "decode disagreement in the window",
		[ABCOM_R_TOO_SHORT] = "window shorter than the jmp",
		[ABCOM_R_RIP_RELATIVE] = "displaced instruction is rip-relative",
		[ABCOM_R_TOO_FAR] = "immediate loaded too far back",
	};

	return (unsigned)reason < ABCOM_NREASONS ? text[reason] : "?";
}

const char *abcom_strerror(int err)
{
	switch (err) {
	case ABCOM_OK: return "success";
	case ABCOM_ENOMEM: return "out of memory";
	case ABCOM_EDECODER: return "cannot open the Capstone decoder";
	case ABCOM_EINVAL: return "invalid argument";
	case ABCOM_ENOTPATCHABLE: return "site is not patchable";
	case ABCOM_ESLOT: return "slot address unusable for this site";
	case ABCOM_EREFUSED:
		return "refused: executable sections overlap, lie outside the file or are too many or too large";
	case ABCOM_ELIMIT: return "work limit reached";
	default: return "unknown error";
	}
}
