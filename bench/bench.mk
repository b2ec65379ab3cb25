# bench/bench.mk - included by the top Makefile.
#   make bench   Google Benchmark micro-benchmarks of the pidfd syscalls
#                (through the C shim) -> build/bench/bench.json + a table

BENCH_MIN_TIME ?= 0.2

$(B)/bench/shim.o: $(TOP)/bench/shim.c $(TOP)/bench/shim.h $(TOP)/include/pidfd_uapi.h
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) -c $< -o $@

$(B)/bench/bench: $(TOP)/bench/bench.cc $(TOP)/bench/shim.h $(B)/bench/shim.o
	@echo "  CXX     $@"
	$(Q)g++ -O2 -g -Wall -I$(TOP)/bench $< $(B)/bench/shim.o -o $@ -lbenchmark -lpthread

bench: setup $(B)/bench/bench
	$(Q)$(B)/bench/bench --benchmark_min_time=$(BENCH_MIN_TIME) \
		--benchmark_out=$(B)/bench/bench.json --benchmark_out_format=json
	@echo "bench: wrote $(B)/bench/bench.json"
