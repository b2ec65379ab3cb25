// SPDX-License-Identifier: GPL-2.0
/* cost_tiny - the program the cost suite's exec operation runs: no libc,
 * one page of text, exit_group(0) at once. */
void _start(void)
{
	__asm__ volatile("mov $231, %%eax\n\txor %%edi, %%edi\n\tsyscall" ::: "rax", "rdi", "memory");
	__builtin_unreachable();
}
