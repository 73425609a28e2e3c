// SPDX-License-Identifier: GPL-2.0-only
/*
 * power.c — end the VM (guest.h).
 */
#include <sys/reboot.h>
#include <unistd.h>

#include "guest.h"

void guest_poweroff(struct guest_report *r)
{
	guest_report_flush(r);
	sync();
	/* ACPI power-off ends QEMU (microvm and q35 both have ACPI); where the
	 * kernel cannot power off, fall back to a reset (QEMU runs with
	 * -no-reboot, so a reset ends it too). */
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}
