// SPDX-License-Identifier: GPL-2.0
/*
 * Facts about one decoded instruction: does it transfer control, where to,
 * and what does it do to rax.
 *
 * Capstone 4's register-access tables miss implicit writes (it reports no
 * write of eax for `lock cmpxchg`, none of al for `xlatb`), so "does not
 * write rax" is only claimed for an explicit list of instructions whose
 * register writes are all explicit operands.  Anything else counts as a
 * possible write: the number is then unknown, which is the safe answer.
 */
#include "internal.h"

static bool in_group(const cs_insn *insn, uint8_t group)
{
	const cs_detail *d = insn->detail;

	for (uint8_t i = 0; i < d->groups_count; i++)
		if (d->groups[i] == group)
			return true;
	return false;
}

static bool is_rax_family(x86_reg r)
{
	return r == X86_REG_RAX || r == X86_REG_EAX || r == X86_REG_AX ||
	       r == X86_REG_AL || r == X86_REG_AH;
}

void decode_flow(const cs_insn *insn, struct insn_facts *f)
{
	const cs_x86 *x = &insn->detail->x86;
	bool jump = in_group(insn, CS_GRP_JUMP), call = in_group(insn, CS_GRP_CALL);

	f->is_syscall = insn->id == X86_INS_SYSCALL;
	f->control = jump || call || in_group(insn, CS_GRP_RET) ||
		     in_group(insn, CS_GRP_INT) || in_group(insn, CS_GRP_IRET);
	switch (insn->id) {
	case X86_INS_SYSCALL: case X86_INS_SYSENTER: case X86_INS_SYSEXIT:
	case X86_INS_SYSRET: case X86_INS_UD0: case X86_INS_UD2:
	case X86_INS_UD2B: case X86_INS_HLT:
		f->control = true;
		break;
	default:
		break;
	}
	/* Capstone gives relative branches their absolute target as an imm. */
	f->has_target = (jump || call) && x->op_count == 1 &&
			x->operands[0].type == X86_OP_IMM;
	f->target = f->has_target ? (uint64_t)x->operands[0].imm : 0;
}

/* Instructions whose general-register writes are exactly their register
 * operands marked as written (no implicit rax/eax/ax/al/ah). */
static bool writes_are_explicit(unsigned id)
{
	switch (id) {
	case X86_INS_MOV: case X86_INS_MOVABS: case X86_INS_MOVZX:
	case X86_INS_MOVSX: case X86_INS_MOVSXD: case X86_INS_LEA:
	case X86_INS_ADD: case X86_INS_SUB: case X86_INS_AND: case X86_INS_OR:
	case X86_INS_XOR: case X86_INS_ADC: case X86_INS_SBB: case X86_INS_CMP:
	case X86_INS_TEST: case X86_INS_NOT: case X86_INS_NEG: case X86_INS_INC:
	case X86_INS_DEC: case X86_INS_SHL: case X86_INS_SHR: case X86_INS_SAR:
	case X86_INS_SAL: case X86_INS_ROL: case X86_INS_ROR: case X86_INS_BT:
	case X86_INS_PUSH: case X86_INS_POP: case X86_INS_NOP:
	case X86_INS_ENDBR64: case X86_INS_BSWAP: case X86_INS_XCHG:
	case X86_INS_MOVD: case X86_INS_MOVQ:
	case X86_INS_CMOVA: case X86_INS_CMOVAE: case X86_INS_CMOVB:
	case X86_INS_CMOVBE: case X86_INS_CMOVE: case X86_INS_CMOVG:
	case X86_INS_CMOVGE: case X86_INS_CMOVL: case X86_INS_CMOVLE:
	case X86_INS_CMOVNE: case X86_INS_CMOVNO: case X86_INS_CMOVNP:
	case X86_INS_CMOVNS: case X86_INS_CMOVO: case X86_INS_CMOVP:
	case X86_INS_CMOVS:
	case X86_INS_SETA: case X86_INS_SETAE: case X86_INS_SETB:
	case X86_INS_SETBE: case X86_INS_SETE: case X86_INS_SETG:
	case X86_INS_SETGE: case X86_INS_SETL: case X86_INS_SETLE:
	case X86_INS_SETNE: case X86_INS_SETNO: case X86_INS_SETNP:
	case X86_INS_SETNS: case X86_INS_SETO: case X86_INS_SETP:
	case X86_INS_SETS:
	/* SSE moves and logic touch only vector registers or memory. */
	case X86_INS_MOVAPS: case X86_INS_MOVUPS: case X86_INS_MOVAPD:
	case X86_INS_MOVUPD: case X86_INS_MOVDQA: case X86_INS_MOVDQU:
	case X86_INS_PXOR: case X86_INS_XORPS:
		return true;
	default:
		return false;
	}
}

/* SIMD instructions write general registers only through explicit
 * operands (movd, movq, pextrw, movmskps, cvtsd2si, ...), checked below. */
static bool is_simd(const cs_insn *insn)
{
	static const uint8_t groups[] = {
		X86_GRP_SSE1, X86_GRP_SSE2, X86_GRP_SSE3, X86_GRP_SSSE3,
		X86_GRP_SSE41, X86_GRP_SSE42, X86_GRP_SSE4A, X86_GRP_AVX,
		X86_GRP_AVX2, X86_GRP_AVX512, X86_GRP_MMX, X86_GRP_AES,
		X86_GRP_PCLMUL, X86_GRP_SHA, X86_GRP_F16C, X86_GRP_FMA,
	};

	for (unsigned i = 0; i < sizeof(groups); i++)
		if (in_group(insn, groups[i]))
			return true;
	return false;
}

static enum rax_effect rax_effect(const cs_insn *insn, int64_t *imm)
{
	const cs_x86 *x = &insn->detail->x86;
	bool writes = false;

	if (!writes_are_explicit(insn->id) && !is_simd(insn))
		return RAX_OTHER;
	for (uint8_t i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];

		/* xchg writes both operands; an unknown access counts as a write */
		if (op->type == X86_OP_REG && is_rax_family(op->reg) &&
		    (insn->id == X86_INS_XCHG || !(op->access & CS_AC_READ) ||
		     (op->access & CS_AC_WRITE)))
			writes = true;
	}
	if (!writes)
		return RAX_NONE;
	if (x->op_count != 2 || x->operands[0].type != X86_OP_REG)
		return RAX_OTHER;
	if ((insn->id == X86_INS_MOV || insn->id == X86_INS_MOVABS) &&
	    x->operands[1].type == X86_OP_IMM) {
		/* A 32-bit write zero-extends; the 64-bit forms are already
		 * sign- (c7 /0) or fully (movabs) extended by Capstone. */
		if (x->operands[0].reg == X86_REG_EAX) {
			*imm = (int64_t)(uint32_t)x->operands[1].imm;
			return RAX_IMM;
		}
		if (x->operands[0].reg == X86_REG_RAX) {
			*imm = x->operands[1].imm;
			return RAX_IMM;
		}
		return RAX_OTHER;  /* ax/al/ah: upper bits unknown */
	}
	if ((insn->id == X86_INS_MOV || insn->id == X86_INS_MOVSXD) &&
	    x->operands[1].type == X86_OP_REG &&
	    (x->operands[0].reg == X86_REG_EAX || x->operands[0].reg == X86_REG_RAX))
		return RAX_REG;
	return RAX_OTHER;
}

void decode_facts(const cs_insn *insn, struct insn_facts *f)
{
	const cs_x86 *x = &insn->detail->x86;

	decode_flow(insn, f);
	f->rip_relative = false;
	for (uint8_t i = 0; i < x->op_count; i++)
		if (x->operands[i].type == X86_OP_MEM &&
		    x->operands[i].mem.base == X86_REG_RIP)
			f->rip_relative = true;
	f->disp_offset = f->rip_relative ? x->encoding.disp_offset : 0;
	f->disp_size = f->rip_relative ? x->encoding.disp_size : 0;
	f->imm = 0;
	f->rax = rax_effect(insn, &f->imm);
}
