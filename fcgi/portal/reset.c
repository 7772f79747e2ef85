/* Part of a portal area; see portal.h. */
