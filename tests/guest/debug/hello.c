#include <stdio.h>
int add(int a, int b)
{
	int c = a + b;
	return c;
}
int main(void)
{
	int x = add(2, 3);
	printf("x=%d\n", x);
	return 0;
}
