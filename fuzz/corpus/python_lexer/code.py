# code.py for a Feather ESP32-S3 TFT (fixture; never run)
import time

import board
import digitalio
import neopixel
import terminalio
from adafruit_debouncer import Debouncer
from adafruit_display_text import label

import my_sensors

try:
    import adafruit_requests  # only used when Wi-Fi is configured
except ImportError:
    adafruit_requests = None

pixel = neopixel.NeoPixel(board.NEOPIXEL, 1, brightness=0.2)
button_pin = digitalio.DigitalInOut(board.BUTTON)
button_pin.switch_to_input(pull=digitalio.Pull.UP)
button = Debouncer(button_pin)

text = label.Label(terminalio.FONT, text="starting", x=10, y=20, scale=2)
board.DISPLAY.root_group = text

sensor = my_sensors.open_bme280(board.STEMMA_I2C())
while True:
    button.update()
    if button.fell:
        pixel.fill((0, 32, 0))
    text.text = my_sensors.summary(sensor)
    time.sleep(0.5)
