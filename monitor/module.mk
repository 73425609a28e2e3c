$(eval $(call ktstr_prog,ktstr-monitor,monitor,$(HOST_LIBS)))
