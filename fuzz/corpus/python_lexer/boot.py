# boot.py: runs once at power-up, before USB starts. Fixture file: tools must leave it alone.
import usb_cdc

usb_cdc.enable(console=True, data=False)
