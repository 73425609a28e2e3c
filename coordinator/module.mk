$(eval $(call ktstr_prog,ktstr-coord,coordinator,$(HOST_LIBS)))
