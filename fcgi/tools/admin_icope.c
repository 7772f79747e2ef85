/* parvis-admin's ICOPE demo data: none yet. */
#include "admin.h"

int
admin_demo_icope(void)
{
	return 0;
}
