// SPDX-License-Identifier: GPL-2.0
/* truebin: a static /bin/true, the cheapest thing the fork+exec bench can run. */
int main(void)
{
	return 0;
}
