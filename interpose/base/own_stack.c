/* own_stack.c - see own_stack.h. */
#include "base/own_stack.h"

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

#define OWN_STACK_SIZE (128 * 1024)

/* Set once by lh_own_stack_init (NULL: none). `active` is owned by the recorder lock. */
static char *stack_top;
static bool active;

#if defined(__x86_64__)
/* void lh_call_on_stack(void (*fn)(void *), void *arg, void *top): calls fn(arg) with the
 * stack pointer at top (16-byte aligned) and comes back to the caller's stack. The unwind
 * information is that of an ordinary %rbp frame (the caller's frame is at %rbp + 16), which is
 * exactly what lets the unwinder return to the caller's stack. */
void lh_call_on_stack(void (*fn)(void *), void *arg, void *top);
__asm__(".pushsection .text.lh_call_on_stack, \"ax\", @progbits\n"
        ".p2align 4\n"
        ".hidden lh_call_on_stack\n"
        ".type lh_call_on_stack, @function\n"
        "lh_call_on_stack:\n"
        ".cfi_startproc\n"
        "  pushq %rbp\n"
        ".cfi_def_cfa_offset 16\n"
        ".cfi_offset %rbp, -16\n"
        "  movq %rsp, %rbp\n"
        ".cfi_def_cfa_register %rbp\n"
        "  movq %rdx, %rsp\n"
        "  movq %rdi, %rax\n"
        "  movq %rsi, %rdi\n"
        "  callq *%rax\n"
        "  movq %rbp, %rsp\n"
        "  popq %rbp\n"
        ".cfi_def_cfa %rsp, 8\n"
        "  ret\n"
        ".cfi_endproc\n"
        ".size lh_call_on_stack, .-lh_call_on_stack\n"
        ".popsection\n");
#define HAVE_CALL_ON_STACK 1
#endif

void lh_own_stack_init(void) {
#ifdef HAVE_CALL_ON_STACK
  if (stack_top) return;
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  size_t len = OWN_STACK_SIZE + (size_t)page;
  char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return;
  mprotect(m, (size_t)page, PROT_NONE); /* the guard: an overflow faults, never corrupts */
  stack_top = m + len;
#endif
}

bool lh_own_stack_active(void) { return active; }

void lh_own_stack_call(void (*fn)(void *), void *arg) {
#ifdef HAVE_CALL_ON_STACK
  if (stack_top && !active) {
    active = true;
    lh_call_on_stack(fn, arg, stack_top);
    active = false;
    return;
  }
#endif
  fn(arg);
}
