/* SPDX-License-Identifier: GPL-2.0 */
/* Forging the exit record the loader's supervisor reads. */
#ifndef ESCAPE_EXIT_RECORD_H
#define ESCAPE_EXIT_RECORD_H

/*
 * Find the record through the LibOS's boot info at boot_info (the
 * xlibos_boot symbol), write the forgery named by variant into it and
 * detach the LibOS from it, so that the container's end leaves the forgery
 * in place.  Returns 0 if forged, 1 if the record could not be reached
 * or written (the door is closed), 2 for an unknown variant.
 */
int exit_record_forge(unsigned long boot_info, const char *variant);

#endif
