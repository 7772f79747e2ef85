/* parvis-admin's directory commands: not written yet. */
#include <stdio.h>

#include "admin.h"

int
admin_import_rpps(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("parvis-admin: import-rpps is not available yet\n", stderr);
	return 1;
}

int
admin_gen_rpps(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("parvis-admin: gen-rpps is not available yet\n", stderr);
	return 1;
}

int
admin_demo_annuaire(void)
{
	return 0;
}
